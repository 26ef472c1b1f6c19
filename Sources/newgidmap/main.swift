import MapHelper
import SubID

// Drop-in for shadow's newgidmap; the checks live in MapHelper.
MapHelper.run(.gid)
