"""A loopback HTTPS file server for the download tests: serves a directory with the given
certificate, plus a few misbehaving paths. Usage: https_server.py DIR CERT KEY PORT
  /redirect-http/NAME   302 to http://127.0.0.1:PORT/NAME (a downgrade the client must refuse)
  /truncated/NAME       sends NAME with a Content-Length 100 bytes larger, then closes
  /slow/NAME            sends half of NAME, then stalls for 60 s (Ctrl-C tests)
DIR/.faults, read at every request, applies the same to paths containing a word, one per line:
  slow WORD | truncate WORD | drop WORD (half of the file, then the connection is closed:
  a server going down mid-transfer)
Prints "ready" once listening."""
import http.server, os, ssl, sys, time

root, cert, key, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=root, **kw)

    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path.startswith("/redirect-http/"):
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:%d/%s" % (port, self.path[len("/redirect-http/"):]))
            self.end_headers()
            return
        for prefix, mode in (("/truncated/", "truncate"), ("/slow/", "slow")):
            if self.path.startswith(prefix):
                return self.misbehave(mode, self.path[len(prefix):])
        try:
            faults = [line.split() for line in open(os.path.join(root, ".faults"))]
        except OSError:
            faults = []
        for fault in faults:
            if len(fault) == 2 and fault[1] in self.path:
                return self.misbehave(fault[0], self.path.lstrip("/"))
        super().do_GET()

    def misbehave(self, mode, name):
        data = open(os.path.join(root, name), "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data) + (100 if mode == "truncate" else 0)))
        self.end_headers()
        if mode == "truncate":
            self.wfile.write(data)
        else:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            if mode == "slow":
                time.sleep(60)
        self.close_connection = True

context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.socket = context.wrap_socket(server.socket, server_side=True)
print("ready", flush=True)
server.serve_forever()
