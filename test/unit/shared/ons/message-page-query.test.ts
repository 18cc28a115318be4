import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { NotFoundError, PermissionDeniedError } from '../../../../shared/errors';
import { createMessagePagePort, MessagePageResponseSchema } from '../../../../shared/ons/message-page-query';
import type { OnsCaller } from '../../../../shared/ons/ons-gateway';

const QUERY = {
  instanceId: 'MQ_INST_1234567890123456_BXhFHryi',
  topic: 'orders',
  beginTimeMs: 1_761_360_000_000,
  endTimeMs: 1_761_363_300_000.7,
  currentPage: 2,
  pageSize: 50,
  taskId: '0BC1310300002A9F000021E4D7A48346',
};

function buildFakeCaller(answer: unknown) {
  const calls: Array<{ action: string; params: Record<string, string | undefined>; schema: unknown }> = [];
  const caller: OnsCaller = {
    async call<S extends z.ZodType>(action: string, params: Record<string, string | undefined>, schema: S) {
      calls.push({ action, params, schema });
      if (answer instanceof Error) throw answer;
      return schema.parse(answer) as z.output<S>;
    },
  };
  return { caller, calls };
}

const ctx = { deadline: createDeadline(1000, () => 0) };

describe('Function: createMessagePagePort', () => {
  it('calls OnsMessagePageQueryByTopic with whole-ms times and the task id, and maps the documented body', async () => {
    // Arrange
    const { caller, calls } = buildFakeCaller({
      RequestId: 'UP-1',
      MsgFoundDo: {
        CurrentPage: 2,
        MaxPageCount: 3,
        TaskId: QUERY.taskId,
        MsgFoundList: {
          OnsRestMessageDo: [
            {
              MsgId: '0a000c22303918b4aac244f9abc301a3',
              Topic: 'orders',
              StoreTimestamp: 1_761_362_000_000,
              BornTimestamp: 1_761_361_999_997,
              ReconsumeTimes: 1,
              PropertyList: { MessageProperty: [{ Name: 'TAGS', Value: 'paid' }, { Name: 'KEYS', Value: 'k1' }] },
            },
            { MsgId: '0A000C22303918B4AAC244F9D9B101A4' },
          ],
        },
      },
    });

    // Act
    const page = await createMessagePagePort(caller).pageByTopic(QUERY, ctx);

    // Assert
    expect(calls).toEqual([
      {
        action: 'OnsMessagePageQueryByTopic',
        params: {
          InstanceId: QUERY.instanceId,
          Topic: 'orders',
          BeginTime: '1761360000000',
          EndTime: '1761363300000',
          CurrentPage: '2',
          PageSize: '50',
          TaskId: QUERY.taskId,
        },
        schema: MessagePageResponseSchema,
      },
    ]);
    expect(page).toEqual({
      currentPage: 2,
      maxPageCount: 3,
      taskId: QUERY.taskId,
      requestId: 'UP-1',
      messages: [
        { msgId: '0A000C22303918B4AAC244F9ABC301A3', storeTimestamp: 1_761_362_000_000, bornTimestamp: 1_761_361_999_997, tag: 'paid', keys: ['k1'], reconsumeTimes: 1 },
        { msgId: '0A000C22303918B4AAC244F9D9B101A4' },
      ],
    });
  });

  it('sends no TaskId on the first page', async () => {
    const { caller, calls } = buildFakeCaller({ RequestId: 'UP-1', MsgFoundDo: { CurrentPage: 1, MaxPageCount: 0, TaskId: 'T1' } });
    const { taskId: _omit, ...first } = QUERY;

    const page = await createMessagePagePort(caller).pageByTopic({ ...first, currentPage: 1 }, ctx);

    expect(calls[0]?.params.TaskId).toBeUndefined();
    expect(page).toMatchObject({ maxPageCount: 0, taskId: 'T1', messages: [] });
  });

  it('reads BIZ_NO_MESSAGE as an empty window (the real answer for one is UNVERIFIED)', async () => {
    const { caller } = buildFakeCaller(new NotFoundError('none', { upstream: { action: 'OnsMessagePageQueryByTopic', code: 'BIZ_NO_MESSAGE', requestId: 'UP-9' } }));

    const page = await createMessagePagePort(caller).pageByTopic(QUERY, ctx);

    expect(page).toEqual({ currentPage: 2, maxPageCount: 0, taskId: QUERY.taskId, messages: [], requestId: 'UP-9' });
  });

  it.each([
    new NotFoundError('topic', { upstream: { code: 'BIZ_TOPIC_NOT_FOUND' } }),
    new PermissionDeniedError('no', { upstream: { code: 'Forbidden.RAM' } }),
  ])('passes other failures on: %s', async (failure) => {
    const { caller } = buildFakeCaller(failure);

    await expect(createMessagePagePort(caller).pageByTopic(QUERY, ctx)).rejects.toBe(failure);
  });
});
