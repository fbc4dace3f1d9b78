import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { commonConfig } from '@wharf/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};
/** The page talks to this origin only (no CDN, no tile server); inline style attributes are Preact's. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

interface StaticFile {
  type: string;
  body: Buffer;
  immutable: boolean;
}

/**
 * The console's built files (libs/console/dist, made by `npm run build`), read once into memory: a few
 * hundred KB, and a request can only name a file that exists (no path from the URL reaches the disk).
 * Written here rather than taking @fastify/static: one folder of known files, no directory listing, no ranges.
 */
export function loadConsoleFiles(dir = consoleDist()): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!dir || !existsSync(dir)) return files;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const path = relative(dir, full).split(sep).join('/');
        files.set(path, { type: TYPES[extname(name)] ?? 'application/octet-stream', body: readFileSync(full), immutable: path.startsWith('assets/') });
      }
    }
  };
  walk(dir);
  return files;
}

/** libs/console/dist beside this app in the repository and in the image (apps/edge/dist → ../../../libs); WHARF_CONSOLE_DIR overrides. */
function consoleDist(): string {
  return process.env.WHARF_CONSOLE_DIR ?? join(__dirname, '..', '..', '..', 'libs', 'console', 'dist');
}

/**
 * GET /_wharf/console/… : the console's static files and its config.json. Its own routes in the router, so an
 * API request never passes through here (and this adds nothing to its path). Public even with SigV4 on: the
 * page asks for credentials and signs its calls to the APIs itself.
 */
@Controller('_wharf/console')
export class ConsoleController {
  private readonly files = loadConsoleFiles();
  private readonly config = { sigv4: commonConfig().verifySignatures, region: commonConfig().region };

  @Get()
  root(@Res() reply: FastifyReply): void {
    void reply.status(301).header('location', '/_wharf/console/').send();
  }

  @Get('config.json')
  configJson(@Res() reply: FastifyReply): void {
    void reply.header('cache-control', 'no-store').send(this.config);
  }

  @Get('*')
  file(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const path = decodeURIComponent((request.raw.url ?? '').split('?')[0].replace(/^\/_wharf\/console\/?/, '')) || 'index.html';
    const file = this.files.get(path);
    if (!file) {
      const message = this.files.size === 0 ? 'The console is not built: run `npm run build`.' : `No console file ${path}.`;
      void reply.status(this.files.size === 0 ? 503 : 404).header('content-type', 'text/plain; charset=utf-8').send(message);
      return;
    }
    void reply
      .header('content-type', file.type)
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(file.body);
  }
}
