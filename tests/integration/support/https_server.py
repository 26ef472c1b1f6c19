"""A loopback HTTPS file server for the download tests: serves a directory with the given
certificate, plus a few misbehaving paths. Usage: https_server.py DIR CERT KEY PORT
  /redirect-http/NAME   302 to http://127.0.0.1:PORT/NAME (a downgrade the client must refuse)
  /truncated/NAME       sends NAME with a Content-Length 100 bytes larger, then closes
  /slow/NAME            sends half of NAME, then stalls for 3 s per block (Ctrl-C tests)
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
        for prefix in ("/truncated/", "/slow/"):
            if self.path.startswith(prefix):
                data = open(os.path.join(root, self.path[len(prefix):]), "rb").read()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data) + (100 if prefix == "/truncated/" else 0)))
                self.end_headers()
                if prefix == "/truncated/":
                    self.wfile.write(data)
                else:
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    time.sleep(60)
                self.close_connection = True
                return
        super().do_GET()

context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.socket = context.wrap_socket(server.socket, server_side=True)
print("ready", flush=True)
server.serve_forever()
