import type { Caller } from '@wharf/engine-kit';
import { describe, expect, it } from 'vitest';
import { PASSWORD, activeMq, rabbitMq, rejects, testContext } from '../testing';
import { RebootBroker } from './broker-updates';
import { CreateBroker } from './brokers';
import { CreateUser, DeleteUser, DescribeUser, ListUsers, UpdateUser } from './users';

const caller: Caller = { region: 'eu-west-1', accountId: '123456789012', requestId: 'test' };
const setup = () => testContext(caller);

describe('users', () => {
  it('ActiveMQ: changes wait for the reboot, shown as pending', async () => {
    const { ctx, activemq } = setup();
    const { BrokerId } = await CreateBroker(ctx, activeMq(), caller);
    await ctx.settled((BrokerId as string));
    await CreateUser(ctx, { BrokerId, Username: 'second', Password: PASSWORD, Groups: ['admins'], ConsoleAccess: true }, caller);
    await rejects(CreateUser(ctx, { BrokerId, Username: 'second', Password: PASSWORD }, caller), 'ConflictException', 'username');
    await rejects(CreateUser(ctx, { BrokerId, Username: 'third', Password: 'short' }, caller), 'BadRequestException', 'password');
    expect((await ListUsers(ctx, { BrokerId }, caller)).Users).toEqual([
      { Username: 'app', PendingChange: undefined },
      { Username: 'second', PendingChange: 'CREATE' },
    ]);
    const pending = await DescribeUser(ctx, { BrokerId, Username: 'second' }, caller);
    expect(pending.Pending).toEqual({ PendingChange: 'CREATE', ConsoleAccess: true, Groups: ['admins'] });
    expect(pending.Groups).toBeUndefined();
    await UpdateUser(ctx, { BrokerId, Username: 'app', Password: 'another-password-1' }, caller);
    await DeleteUser(ctx, { BrokerId, Username: 'app' }, caller);
    expect((await DescribeUser(ctx, { BrokerId, Username: 'app' }, caller)).Pending?.PendingChange).toBe('DELETE');
    expect(activemq.enforced.get((BrokerId as string))).toEqual([`app:${PASSWORD}`]);
    await RebootBroker(ctx, { BrokerId }, caller);
    await ctx.settled((BrokerId as string));
    expect(activemq.enforced.get((BrokerId as string))).toEqual([`second:${PASSWORD}`]);
    const after = await DescribeUser(ctx, { BrokerId, Username: 'second' }, caller);
    expect(after).toMatchObject({ Username: 'second', Groups: ['admins'], ConsoleAccess: true, Pending: undefined });
    await rejects(DescribeUser(ctx, { BrokerId, Username: 'app' }, caller), 'NotFoundException', 'username');
    await rejects(DeleteUser(ctx, { BrokerId, Username: 'second' }, caller), 'BadRequestException', 'username');
  });

  it('RabbitMQ: the user APIs are refused (BadRequestException) as on Amazon MQ; CreateBroker\'s users still apply', async () => {
    const { ctx, rabbit } = setup();
    const { BrokerId } = await CreateBroker(ctx, rabbitMq(), caller);
    await ctx.settled(BrokerId as string);
    expect(rabbit.enforced.get(BrokerId as string)).toEqual([`admin:${PASSWORD}`]);
    for (const call of [
      CreateUser(ctx, { BrokerId, Username: 'worker', Password: PASSWORD }, caller),
      UpdateUser(ctx, { BrokerId, Username: 'admin', Password: 'changed-password-2' }, caller),
      DeleteUser(ctx, { BrokerId, Username: 'admin' }, caller),
      DescribeUser(ctx, { BrokerId, Username: 'admin' }, caller),
      ListUsers(ctx, { BrokerId }, caller),
    ]) {
      const err = await rejects(call, 'BadRequestException', 'broker-id');
      expect(err.message).toMatch(/ActiveMQ brokers only/);
    }
    expect(rabbit.enforced.get(BrokerId as string)).toEqual([`admin:${PASSWORD}`]);
  });
});
