// Tiny HTTP service for the network lab.
//   node echo-server.mjs <host> <port> remote  -> answers with the client's address ("what is my IP")
//   node echo-server.mjs <host> <port> local   -> answers with the address the request arrived at
import http from "node:http";

const [host, port, mode] = process.argv.slice(2);
const server = http.createServer((req, res) => {
  const addr = mode === "local" ? req.socket.localAddress : req.socket.remoteAddress;
  res.writeHead(200, { "content-type": "text/plain", connection: "close" });
  res.end(`${String(addr).replace(/^::ffff:/, "")}\n`);
});
server.keepAliveTimeout = 0;
server.listen(Number(port), host, () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => process.exit(0));
