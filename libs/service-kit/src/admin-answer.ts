import { AwsError } from '@wharf/aws-protocol';
import type { FastifyReply } from 'fastify';

/**
 * The answer of a Wharf admin route (`/_wharf/<svc>/…`, the console's): the result as JSON, never cached, or
 * an AwsError as `{ __type, message }` with its status.
 */
export async function sendAdminAnswer(reply: FastifyReply, produce: () => Promise<unknown>): Promise<void> {
  try {
    await reply.header('cache-control', 'no-store').send(await produce());
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    await reply.status(err.status ?? 400).send({ __type: err.code, message: err.message });
  }
}
