# test_ca DIR [NAME]: a throwaway CA in DIR (ca.pem) and a server certificate for 127.0.0.1 and
# localhost signed by it (NAME.pem, NAME.key; NAME defaults to server). Also other-ca.pem and a
# certificate signed by that other CA (wrong.pem, wrong.key), for "wrong certificate" cases.
test_ca() {
    local dir=$1 name=${2:-server}
    mkdir -p "$dir"
    ( cd "$dir"
      for ca in ca other-ca; do
          openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=userbox test $ca" \
              -keyout $ca.key -out $ca.pem >/dev/null 2>&1
      done
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' > ext.cnf
      for pair in "$name:ca" "wrong:other-ca"; do
          local cert=${pair%%:*} signer=${pair#*:}
          openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout $cert.key -out $cert.csr >/dev/null 2>&1
          openssl x509 -req -in $cert.csr -CA $signer.pem -CAkey $signer.key -CAcreateserial -days 2 \
              -extfile ext.cnf -out $cert.pem >/dev/null 2>&1
      done )
}
