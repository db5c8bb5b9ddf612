"""A minimal HTTP CONNECT proxy for tests: proves that HTTPS_PROXY is honoured. Counts tunnels."""
import select
import socket
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode('latin-1')
        while self.rfile.readline() not in (b'\r\n', b'\n', b''):
            pass
        parts = line.split()
        if len(parts) < 2 or parts[0] != 'CONNECT':
            self.wfile.write(b'HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n')
            return
        host, port = parts[1].rsplit(':', 1)
        with self.server.lock:
            self.server.tunnels.append(parts[1])
        upstream = socket.create_connection((host, int(port)))
        self.wfile.write(b'HTTP/1.1 200 Connection established\r\n\r\n')
        self.wfile.flush()
        sockets = [self.connection, upstream]
        try:
            while True:
                ready, _, _ = select.select(sockets, [], [], 30)
                if not ready:
                    return
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (upstream if s is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()


class ConnectProxy(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """with ConnectProxy() as p: p.url, p.tunnels"""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(('127.0.0.1', 0), _Handler)
        self.lock = threading.Lock()
        self.tunnels = []
        self.url = f'http://127.0.0.1:{self.server_address[1]}'

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
