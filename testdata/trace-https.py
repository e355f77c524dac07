# A dumb-HTTP git server over TLS on 127.0.0.1 for the trace tests: serves
# DIR with CERT and KEY on a free port, written to PORTFILE, and stops by
# itself after SECONDS.  Usage: trace-https.py DIR CERT KEY PORTFILE SECONDS
import functools
import http.server
import os
import ssl
import sys
import time


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


root, cert, key, portfile, seconds = sys.argv[1:6]
srv = http.server.HTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=root))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.timeout = 0.2
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(portfile + ".tmp", portfile)
end = time.time() + float(seconds)
while time.time() < end:
    srv.handle_request()
