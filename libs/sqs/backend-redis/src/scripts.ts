import { join } from 'node:path';
import { LuaScriptSet } from '@wharf/redis-lua';

/**
 * The SQS scripts (lua/*.lua, each opening with its KEYS/ARGV/Returns contract, after the helpers and key
 * layout of lua/lib.lua) and how many of their arguments are keys. Each touches the slot of one queue only
 * (KEYS[1] is its base), so they run on a Redis Cluster too. `lua/` is found the same from src/
 * (tests) and dist/.
 */
export const sqsScripts = new LuaScriptSet({
  dir: join(__dirname, '..', 'lua'),
  prefix: 'wharf_sqs_',
  library: 'lib.lua',
  scripts: {
    send: 1,
    receive: 1,
    delete: 1,
    change_visibility: 1,
    create_queue: 1,
    set_attributes: 1,
    set_tags: 1,
    counts: 1,
    purge: 1,
    delete_queue: 1,
    move_messages: 1,
    move_in: 1,
    move_out: 1,
    move_claim: 1,
    move_task: 1,
    inspect_stats: 1,
    peek: 1,
  },
  noReplicaWait: ['inspect_stats', 'peek'],
});
