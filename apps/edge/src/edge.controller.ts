import { All, Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EdgeForwarder } from './edge-forwarder';

/**
 * Fastify's catch-all: a request main.ts did not hand to the forwarder itself (a path beginning like one of the
 * edge's own but none of its routes, `/health/x`) is forwarded the same way.
 */
@Controller()
export class EdgeController {
  constructor(private readonly forwarder: EdgeForwarder) {}

  @All('*')
  async handle(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack(); // the forwarder answers on Node's response
    await this.forwarder.handle(request.raw, reply.raw);
  }
}
