# HTTPSFetcher (issue 14: the download template's transport) against a loopback HTTPS server with
# a test CA, in a private network namespace: what is fetched, what is refused and why.
source "$REPO/tests/integration/support/test_ca.sh"
fetch=$BIN/test-support/fetch-check
www=$SCRATCH/www; mkdir -p $www
head -c 3000000 /dev/urandom > $www/blob; sha=$(sha256sum < $www/blob | cut -d' ' -f1)
test_ca $SCRATCH/ca
serve() {  # serve PORT CERT KEY: the server in the background; its pid in $server
    python3 "$REPO/tests/integration/support/https_server.py" $www "$2" "$3" $1 > $WORK/server.$1 2>&1 &
    server=$!
    for _ in $(seq 50); do grep -q ready $WORK/server.$1 2>/dev/null && return; sleep 0.1; done
    not_ok "server on port $1 did not start" "$(cat $WORK/server.$1)"
}
serve 8443 $SCRATCH/ca/server.pem $SCRATCH/ca/server.key; good=$server
serve 8444 $SCRATCH/ca/wrong.pem $SCRATCH/ca/wrong.key; wrong=$server
url=https://127.0.0.1:8443

out=$($fetch $url/blob $WORK/out $SCRATCH/ca/ca.pem 3000000 2>/dev/null)
same "a file from the server with the private CA: its size and sha256" "ok 3000000 $sha" "$out"
check "and the file is the server's" cmp -s $WORK/out $www/blob
out=$($fetch $url/blob $WORK/out - - 2>/dev/null)
check "without the private CA (system store only) the certificate is not trusted ($out)" \
    test -n "$(grep -i 'certificate' <<<"$out")"
out=$($fetch https://127.0.0.1:8444/blob $WORK/out $SCRATCH/ca/ca.pem - 2>/dev/null)
check "a server certificate from another CA is refused ($out)" test -n "$(grep -i 'certificate' <<<"$out")"
out=$($fetch http://127.0.0.1:8443/blob $WORK/out $SCRATCH/ca/ca.pem - 2>/dev/null)
check "http:// is refused before any connection ($out)" test -n "$(grep 'only https:// is fetched' <<<"$out")"
out=$($fetch $url/redirect-http/blob $WORK/out $SCRATCH/ca/ca.pem - 2>/dev/null)
check "a redirect to http:// is not followed ($out)" test -n "$(grep '^error:' <<<"$out")" -a -z "$(grep '^ok' <<<"$out")"
out=$($fetch $url/truncated/blob $WORK/out $SCRATCH/ca/ca.pem - 2>/dev/null)
check "a transfer that ends before its Content-Length is an error ($out)" test -n "$(grep '^error:' <<<"$out")"
out=$($fetch $url/blob $WORK/out $SCRATCH/ca/ca.pem 3000100 2>/dev/null)
check "fewer bytes than the index says: refused ($out)" test -n "$(grep 'where the index says 3000100' <<<"$out")"
out=$($fetch $url/blob $WORK/out $SCRATCH/ca/ca.pem - 1000000 2>/dev/null)
check "past the size limit: refused ($out)" test -n "$(grep 'larger than 1000000 bytes' <<<"$out")"
out=$($fetch $url/nothing-here $WORK/out $SCRATCH/ca/ca.pem - 2>/dev/null)
same "a missing file: the HTTP status" "error: $url/nothing-here: the server answered HTTP 404" "$out"
out=$($fetch https://127.0.0.1:8445/blob $WORK/out $SCRATCH/ca/ca.pem - 2>/dev/null)
check "server down: connection refused, named ($out)" test -n "$(grep -i 'refused\|connect' <<<"$out")"
out=$(https_proxy=http://127.0.0.1:3128 no_proxy= $fetch $url/blob $WORK/out $SCRATCH/ca/ca.pem - 2>/dev/null)
check "https_proxy is honoured (a dead proxy fails the transfer) ($out)" test -n "$(grep -i 'proxy\|3128' <<<"$out")"
out=$(https_proxy=http://127.0.0.1:3128 no_proxy=127.0.0.1 $fetch $url/blob $WORK/out $SCRATCH/ca/ca.pem - 2>/dev/null)
same "and no_proxy too" "ok 3000000 $sha" "$out"
$fetch $url/blob $WORK/out $SCRATCH/ca/ca.pem 3000000 > /dev/null 2> $WORK/progress
check "off a terminal, progress is plain lines with the size ($(tail -1 $WORK/progress))" \
    test -n "$(grep -F '100% [========================] 2.9 MiB / 2.9 MiB' $WORK/progress)"
kill $good $wrong 2>/dev/null
