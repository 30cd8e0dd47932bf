// What the first Slack click pays in a fresh interact process: load the packaged bundle, then handle one signed
// click against moto_server (configuration, signing secrets and button key from SSM, the write-once approval and
// its audit record in S3, the hand-over on SQS) and answer it, the ephemeral line to the click's response_url
// included. Module load alone can hide work moved into the first invocation; this figure cannot.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { signButtonValue } from '../src/domain/button-value.js';
import { DEMO_SLACK_APP as app, signedInteraction } from '../src/local/slack-clicker.js';
import { startMoto } from '../test/helpers/moto.js';
import { handlerExtension } from './lambda-build.js';

export interface FirstClick {
  runs: number;
  /** Medians, ms since the child process started (performance.timeOrigin). */
  bareNodeReadyMs: number;
  loadedMs: number;
  answeredMs: number;
  /** The child's CPU (all threads) when the answer was ready, and bare node's for `-e 0`. */
  cpuMs: number;
  bareNodeCpuMs: number;
  status: number;
}

/** Async, not spawnSync: the moto proxy answering the child runs on this process's event loop. */
function run(args: string[], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { ...o, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `bundleDir` holds functions/interact.mjs as the zip unpacks it. */
export async function interactFirstClick(bundleDir: string, runs: number, nodeArgs: string[] = []): Promise<FirstClick> {
  const moto = await startMoto();
  const responses = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  await new Promise<void>((resolve) => responses.listen(0, '127.0.0.1', resolve));
  const responseOrigin = `http://127.0.0.1:${(responses.address() as AddressInfo).port}`;
  try {
    const s3 = new S3Client(moto.clientConfig);
    const sqs = new SQSClient(moto.clientConfig);
    const ssm = new SSMClient(moto.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: 'afr-bench-audit' }));
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'signals' }))).QueueUrl!;
    // As deployed: the configuration is YAML in SSM, the secrets are SecureStrings.
    const config = [
      'clusters:',
      '  - name: prod-eu',
      '    auth: { type: kubeconfig }',
      'slack:',
      '  webhook: { url: "https://hooks.slack.com/services/T0/B0/x" }',
      '  app:',
      `    teamId: ${app.teamId}`,
      `    appId: ${app.appId}`,
      `    approvers: [${app.approver.id}]`,
      `    responseUrlOrigins: ["${responseOrigin}"]`,
    ].join('\n');
    await ssm.send(new PutParameterCommand({ Name: '/afr/bench/config', Type: 'SecureString', Value: config }));
    await ssm.send(new PutParameterCommand({ Name: '/afr/bench/slack-signing-secret', Type: 'SecureString', Value: app.signingSecret }));
    await ssm.send(new PutParameterCommand({ Name: '/afr/bench/slack-button-key', Type: 'SecureString', Value: app.buttonKey }));
    const env = {
      ...process.env,
      ...moto.env,
      AWS_SESSION_TOKEN: 'bench-session-token',
      AFR_CONFIG_SSM_PARAM: '/afr/bench/config',
      SLACK_SIGNING_SECRET_SSM_PARAM: '/afr/bench/slack-signing-secret',
      SLACK_BUTTON_KEY_SSM_PARAM: '/afr/bench/slack-button-key',
      AUDIT_BUCKET: 'afr-bench-audit',
      SIGNALS_QUEUE_URL: queueUrl,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    delete (env as Record<string, string | undefined>)['POWERTOOLS_METRICS_DISABLED'];
    const samples: { loaded: number; answered: number; cpu: number; status: number }[] = [];
    const bare: { ready: number; cpu: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const b = await run(['-e', 'const u=process.resourceUsage();process.stdout.write("@@"+JSON.stringify({ready:performance.now(),cpu:(u.userCPUTime+u.systemCPUTime)/1000}))'], { cwd: bundleDir, env });
      bare.push(JSON.parse(/@@(.*)$/.exec(b.stdout)![1]!) as { ready: number; cpu: number });
      const now = Math.floor(Date.now() / 1000);
      const value = signButtonValue(
        { v: 1, c: 'prod-eu', ns: 'data', n: `wf-${i}`, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, cause: 'gc-failed', pend: '0'.repeat(32), pc: 1, act: 'rearm', exp: now + 3600, d: `${Date.now()}${i}`.padStart(32, '0') },
        [app.buttonKey],
      );
      const req = signedInteraction({ value, user: app.approver, teamId: app.teamId, appId: app.appId, responseUrl: `${responseOrigin}/actions/T/1/secret` }, app.signingSecret);
      const event = {
        version: '2.0',
        routeKey: '$default',
        rawPath: '/',
        rawQueryString: '',
        headers: { ...req.headers, host: 'abc.lambda-url.eu-west-1.on.aws' },
        requestContext: { http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Slackbot 1.0' }, requestId: `bench-${i}`, timeEpoch: Date.now() },
        body: Buffer.from(req.body).toString('base64'),
        isBase64Encoded: true,
      };
      const child = [
        // The handler loaded as the runtime loads an ES module handler: import().
        `let loaded;import('./functions/interact${handlerExtension()}').then(({handler})=>{loaded=performance.now();`,
        `return handler(${JSON.stringify(event)},{functionName:'interact',awsRequestId:'bench-${i}',getRemainingTimeInMillis:()=>60000})}).then((r)=>{`,
        `const u=process.resourceUsage();process.stdout.write("\\n@@"+JSON.stringify({loaded,answered:performance.now(),cpu:(u.userCPUTime+u.systemCPUTime)/1000,status:r.statusCode}))});`,
      ].join('');
      const r = await run([...nodeArgs, '-e', child], { cwd: bundleDir, env });
      const m = /@@(.*)$/.exec(r.stdout);
      if (r.status !== 0 || !m) throw new Error(`interact first click failed: ${r.stderr.slice(-2000)} ${r.stdout.slice(-3000)}`);
      const s = JSON.parse(m[1]!) as { loaded: number; answered: number; cpu: number; status: number };
      if (s.status !== 200) throw new Error(`interact answered the first click with ${s.status}: ${r.stdout.slice(0, 3000)} ${r.stderr.slice(0, 3000)}`);
      samples.push(s);
    }
    return {
      runs,
      bareNodeReadyMs: median(bare.map((b) => b.ready)),
      loadedMs: median(samples.map((s) => s.loaded)),
      answeredMs: median(samples.map((s) => s.answered)),
      cpuMs: median(samples.map((s) => s.cpu)),
      bareNodeCpuMs: median(bare.map((b) => b.cpu)),
      status: 200,
    };
  } finally {
    responses.close();
    await moto.close();
  }
}

if (process.argv[1]?.endsWith('interact-first-click.ts')) {
  const out = await interactFirstClick(process.argv[2] ?? '.', Number(process.argv[3] ?? 7), process.argv.slice(4));
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}
