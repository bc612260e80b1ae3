/** Starting a local server on a port, with a message a person can act on when the port is taken. */
import type { Server } from "node:http";

export class PortInUse extends Error {
  override readonly name = "PortInUse";
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(
      `port ${port} is in use, so ${what} cannot start there; stop whatever holds it, or choose another port`,
    );
  }
}

export async function listen(server: Server, port: number, host: string, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new PortInUse(port, what) : error);
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
}
