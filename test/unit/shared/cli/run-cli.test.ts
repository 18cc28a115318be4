import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../shared/api-client/api-client';
import { describeFailure } from '../../../../shared/cli/cli-errors';
import { EXIT, exitCodeForVerdict } from '../../../../shared/cli/exit-codes';
import { CliError } from '../../../../shared/cli/cli-errors';
import { createRemoteClient, type LookupClient } from '../../../../shared/cli/lookup-client';
import { runCli, type CliDeps } from '../../../../shared/cli/run-cli';
import { colourEnabled, createProgress } from '../../../../shared/cli/terminal';
import { ForbiddenError } from '../../../../shared/errors';
import { VERDICTS } from '../../../../shared/trace/verdict';
import { buildTraceReport, TRACKS_BY_VERDICT } from '../../../builders/build-trace-report';

const MSG = '0A000C22303918B4AAC244F9ABC301A3';
const consumed = await buildTraceReport(TRACKS_BY_VERDICT.CONSUMED);

function sink(isTTY = false) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (t: string) => chunks.push(t) }, text: () => chunks.join('') };
}

const fakeClient = (trace: LookupClient['trace'] = async () => consumed): LookupClient => ({
  mode: 'remote',
  waitWindowSeconds: 20,
  trace,
  find: () => Promise.reject(new Error('not used')),
  journey: () => Promise.reject(new Error('not used')),
});

function harness(overrides: Partial<CliDeps> = {}) {
  const stdout = sink();
  const stderr = sink();
  const remotes: Array<{ url: string; token: string }> = [];
  const client = fakeClient();
  const deps: CliDeps = {
    argv: ['trace', 'orders', MSG, '--url', 'https://mqtrace.example.com'],
    env: {},
    stdout: stdout.stream,
    stderr: stderr.stream,
    version: '1.2.3',
    now: () => 0,
    timers: { setInterval, clearInterval },
    createRemote: (o) => {
      remotes.push(o);
      return client;
    },
    createDirect: () => client,
    ...overrides,
  };
  return { deps, stdout, stderr, remotes };
}

describe('Function: runCli', () => {
  it('asks for the token on a terminal when MQTRACE_TOKEN is unset, and never prints it', async () => {
    // Arrange
    const questions: string[] = [];
    const h = harness({ promptSecret: async (q) => (questions.push(q), '  mqt_typed_at_the_prompt  ') });

    // Act
    const code = await runCli(h.deps);

    // Assert
    expect(code).toBe(EXIT.CONSUMED);
    expect(questions).toEqual(['mqtrace token for https://mqtrace.example.com: ']);
    expect(h.remotes).toEqual([{ url: 'https://mqtrace.example.com', token: 'mqt_typed_at_the_prompt' }]);
    expect(h.stdout.text() + h.stderr.text()).not.toContain('mqt_typed_at_the_prompt');
  });

  it('prefers MQTRACE_TOKEN to a prompt', async () => {
    const h = harness({ env: { MQTRACE_TOKEN: 'mqt_from_env' }, promptSecret: () => Promise.reject(new Error('must not ask')) });
    await runCli(h.deps);
    expect(h.remotes[0]?.token).toBe('mqt_from_env');
  });

  it('prints its version', async () => {
    const h = harness({ argv: ['--version'] });
    expect(await runCli(h.deps)).toBe(EXIT.CONSUMED);
    expect(h.stdout.text()).toBe('mqtrace 1.2.3\n');
  });

  it('turns a failure the lookup throws into one line and exit 3', async () => {
    const h = harness({
      env: { MQTRACE_TOKEN: 't' },
      createRemote: () => fakeClient(() => Promise.reject(new ForbiddenError())),
    });
    expect(await runCli(h.deps)).toBe(EXIT.ERROR);
    expect(h.stderr.text()).toBe('mqtrace: this caller may not look up this message\n  The lookup is outside your token’s scope.\n');
  });
});

describe('Function: exitCodeForVerdict', () => {
  it.each(VERDICTS.map((v) => [v]))('gives %s its documented code', (verdict) => {
    const expected = { CONSUMED: 0, PARTIALLY_CONSUMED: 1, NOT_CONSUMED: 1, NO_SUBSCRIBERS: 1, UNKNOWN: 2 }[verdict];
    expect(exitCodeForVerdict(verdict)).toBe(expected);
  });

  it('cannot tell for a verdict this version does not know', () => {
    expect(exitCodeForVerdict('SOMETHING_NEW')).toBe(EXIT.CANNOT_TELL);
  });
});

describe('Function: describeFailure', () => {
  it('never shows an unexpected error’s message', () => {
    expect(describeFailure(new Error('secret=abc at /home/x'))).toEqual({ code: 'INTERNAL', message: 'internal error', issues: [] });
  });

  it('keeps the API’s request and upstream IDs for a support ticket', () => {
    const failure = describeFailure(new ApiError(502, 'UPSTREAM_FAILED', 'the broker API failed', [], '1-abc', { code: 'InternalError', requestId: 'UP-1' }));
    expect(failure).toMatchObject({ code: 'UPSTREAM_FAILED', requestId: '1-abc', upstream: { code: 'InternalError', requestId: 'UP-1' } });
    expect(failure.hint).toMatch(/request ID/);
  });
});

describe('Function: colourEnabled', () => {
  it.each([
    ['a terminal', true, {}, true],
    ['a pipe', false, {}, false],
    ['a terminal with NO_COLOR', true, { NO_COLOR: '1' }, false],
    ['a dumb terminal', true, { TERM: 'dumb' }, false],
    ['a pipe with FORCE_COLOR', false, { FORCE_COLOR: '1' }, true],
    ['a pipe with FORCE_COLOR=0', false, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR and NO_COLOR', false, { FORCE_COLOR: '1', NO_COLOR: '1' }, false],
  ])('on %s: %s', (_, isTTY, env, expected) => {
    expect(colourEnabled({ isTTY, write: () => true }, env)).toBe(expected);
  });
});

describe('Function: createProgress', () => {
  it('draws a spinner line on a terminal and clears it when done', () => {
    const out = sink(true);
    const progress = createProgress(out.stream, { setInterval: () => 0 as unknown as ReturnType<typeof setInterval>, clearInterval: () => undefined });
    progress.start('looking up…');
    progress.note('still looking…');
    progress.stop();
    expect(out.text()).toBe('\r\u001b[K⠋ looking up…\r\u001b[K⠙ still looking…\r\u001b[K');
  });

  it('prints only notes, one line each, on a pipe', () => {
    const out = sink(false);
    const progress = createProgress(out.stream, { setInterval, clearInterval });
    progress.start('looking up…');
    progress.note('waiting: 20 s of 60 s');
    progress.stop();
    expect(out.text()).toBe('waiting: 20 s of 60 s\n');
  });
});

describe('Function: createRemoteClient', () => {
  it('gives up on a server that does not answer within the request timeout, as "no answer"', async () => {
    // Arrange: a fetch that answers only when aborted
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const client = createRemoteClient({ url: 'https://mqtrace.example.com', token: 't', fetch: hanging, requestTimeoutMs: 20 });

    // Act + Assert
    const failure = client.trace({ topic: 'orders', msgId: MSG }, {});
    await expect(failure).rejects.toBeInstanceOf(CliError);
    await expect(failure).rejects.toMatchObject({ code: 'NETWORK', message: 'no answer from the server within 1 s' });
  });

  it('sends the token in the Authorization header only', async () => {
    const seen: Array<{ url: string; authorization: string | undefined }> = [];
    const answering: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), authorization: (init?.headers as Record<string, string>).authorization });
      return new Response(JSON.stringify(consumed), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const client = createRemoteClient({ url: 'https://mqtrace.example.com/', token: 'mqt_header_only', fetch: answering, requestTimeoutMs: 1000 });
    await client.trace({ instance: 'prod', topic: 'orders', msgId: MSG }, { explain: true });
    expect(seen).toEqual([{ url: `https://mqtrace.example.com/v1/trace?instanceId=prod&topic=orders&msgId=${MSG}&explain=true`, authorization: 'Bearer mqt_header_only' }]);
  });
});
