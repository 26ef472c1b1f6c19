import MapHelper
import IDModel

// Drop-in for shadow's newuidmap; the checks live in MapHelper.
MapHelper.run(.uid)
