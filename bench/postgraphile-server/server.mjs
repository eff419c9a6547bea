// PostGraphile 5 (amber preset, no auth) over the benchmark's database: the third
// column of bench/registry.py. Copied next to its node_modules and run there.
//   DATABASE_URL=postgres://... PORT=8200 WORKERS=2 POOL_MAX=5 node server.mjs
import cluster from "node:cluster";
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const workers = Number(process.env.WORKERS ?? "1");
const port = Number(process.env.PORT ?? "8200");

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  const preset = {
    extends: [PostGraphileAmberPreset],
    pgServices: [
      makePgService({
        connectionString: process.env.DATABASE_URL,
        schemas: ["public"],
        poolConfig: { max: Number(process.env.POOL_MAX ?? "10") },
      }),
    ],
    grafserv: { port, graphqlPath: "/graphql", graphiql: false },
    grafast: { explain: false },
  };
  const serv = postgraphile(preset).createServ(grafserv);
  const server = createServer();
  serv.addTo(server).then(() => server.listen(port, "127.0.0.1"));
}
