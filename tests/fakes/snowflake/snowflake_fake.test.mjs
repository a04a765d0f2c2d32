// Tests of the Snowflake SQL API fake: node --test tests/fakes/snowflake/
// The COPY INTO tests start a Ceph RGW with scripts/start-rgw (skipped, with a message, when
// radosgw is not installed).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { Client, control, fakeSql, fingerprintOf, makeJwt, request, startFakeProcess } from './testkit.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('snowflake fake: SQL API protocol', () => {
  let fake;
  let c;
  before(async () => {
    fake = await startFakeProcess();
    c = new Client(fake);
  });
  after(async () => {
    if (fake) assert.equal(await fake.stop(), 0, 'SIGTERM ends the fake with status 0');
  });

  const sql = (s) => fakeSql(fake, s);

  test('writes its key files and account.json; the encrypted key is the same key', () => {
    const a = fake.account;
    assert.deepEqual([a.account, a.user, a.database, a.schema], ['BX_TEST', 'BX_USER', 'BX_DB', 'BX_SCHEMA']);
    const pass = fs.readFileSync(path.join(fake.dir, 'passphrase'), 'utf8');
    const enc = fs.readFileSync(path.join(fake.dir, 'rsa_key_encrypted.p8'), 'utf8');
    assert.match(enc, /BEGIN ENCRYPTED PRIVATE KEY/);
    assert.match(fake.privateKeyPem, /BEGIN PRIVATE KEY/);
    const k = createPrivateKey({ key: enc, passphrase: pass }).export({ type: 'pkcs8', format: 'pem' });
    assert.equal(fingerprintOf(k), fingerprintOf(fake.privateKeyPem));
    assert.equal(fingerprintOf(k), a.public_key_fingerprint);
    assert.equal(fs.readFileSync(path.join(fake.dir, 'pid'), 'utf8').trim(), String(fake.child.pid));
  });

  test('JWT happy path', async () => {
    const r = await c.submit('select 1 as one');
    assert.equal(r.status, 200);
    assert.equal(r.body.code, '090001');
    assert.equal(r.body.resultSetMetaData.format, 'jsonv2');
    assert.equal(r.body.resultSetMetaData.numRows, 1);
    assert.deepEqual(r.body.data, [['1']]);
    assert.equal(r.body.resultSetMetaData.rowType[0].name, 'ONE');
    assert.equal(r.body.resultSetMetaData.rowType[0].type, 'fixed');
    assert.match(r.body.statementHandle, /^[0-9a-f-]{36}$/);
    assert.equal(r.body.statementStatusUrl, `/api/v2/statements/${r.body.statementHandle}?requestId=${r.body.requestId}`);
  });

  test('JWT failures: bad signature, wrong fingerprint, expired, missing token type, wrong account, alg', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const base = { account: 'BX_TEST', user: 'BX_USER', privateKeyPem: fake.privateKeyPem };
    const now = Math.floor(Date.now() / 1000);
    const cases = {
      'bad signature': makeJwt({ ...base, signWith: other }),
      'wrong fingerprint': makeJwt({ ...base, fingerprint: fingerprintOf(other) }),
      expired: makeJwt({ ...base, iat: now - 7200, exp: now - 3600 }),
      'older than an hour': makeJwt({ ...base, iat: now - 4000, exp: now + 600 }),
      'issued in the future': makeJwt({ ...base, iat: now + 600, exp: now + 1200 }),
      'lower-case account': makeJwt({ ...base, account: 'bx_test' }),
      'account with region': makeJwt({ ...base, account: 'BX_TEST.US-EAST-1' }),
      'unknown user': makeJwt({ ...base, user: 'NOBODY' }),
      'wrong sub': makeJwt({ ...base, sub: 'BX_TEST.OTHER' }),
      'alg HS256': makeJwt({ ...base, alg: 'HS256' }),
      garbage: 'not.a.jwt',
    };
    for (const [name, jwt] of Object.entries(cases)) {
      const r = await c.submit('select 1', { headers: { Authorization: `Bearer ${jwt}` } });
      assert.equal(r.status, 401, name);
      assert.equal(r.body.code, '390144', name);
      assert.match(r.body.message, /^JWT token is invalid\. \[[0-9a-f-]{36}\]$/, name);
    }
    const noType = await request(`${fake.url}/api/v2/statements?requestId=${randomUUID()}`, {
      method: 'POST', headers: { ...c.headers(), 'X-Snowflake-Authorization-Token-Type': undefined }, body: { statement: 'select 1' },
    });
    assert.equal(noType.status, 401);
    assert.equal(noType.body.code, '390303');
    const noAuth = await request(`${fake.url}/api/v2/statements?requestId=${randomUUID()}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: { statement: 'select 1' },
    });
    assert.equal(noAuth.status, 401);
    const log = await control(fake, 'GET', '/_fake/requests');
    assert.ok(log.some((e) => /FINGERPRINT_MISMATCH/.test(e.auth_error || '')));
    assert.ok(log.some((e) => /JWT_TOKEN_EXPIRED/.test(e.auth_error || '')));
    assert.ok(!fs.readFileSync(path.join(fake.dir, 'requests.log'), 'utf8').includes(cases.expired), 'the JWT is never logged');
  });

  test('a registered second user (control API) can authenticate', async () => {
    const u = await control(fake, 'POST', '/_fake/users', { user: 'BX_LOADER', defaults: { warehouse: 'BX_WH' } });
    assert.match(u.private_key_pem, /BEGIN PRIVATE KEY/);
    assert.equal(u.fingerprint, fingerprintOf(u.private_key_pem));
    const c2 = new Client(fake, { user: 'BX_LOADER', privateKeyPem: u.private_key_pem });
    const r = await c2.submit('select current_user()');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.data, [['BX_LOADER']]);
  });

  test('headers, query parameters and body are checked', async () => {
    const url = (q) => `${fake.url}/api/v2/statements?${q}`;
    let r = await c.submit('select 1', { headers: { 'Content-Type': 'text/plain' } });
    assert.equal(r.status, 415);
    r = await c.submit('select 1', { headers: { Accept: 'text/html' } });
    assert.equal(r.status, 406);
    r = await c.submit('select 1', { requestId: 'not-a-uuid' });
    assert.equal(r.status, 400);
    r = await c.submit('select 1', { query: '&async=maybe' });
    assert.equal(r.status, 400);
    r = await request(url(`requestId=${randomUUID()}`), { method: 'POST', headers: c.headers(), body: '{"statement": ' });
    assert.equal(r.status, 400);
    r = await request(url(`requestId=${randomUUID()}`), { method: 'POST', headers: c.headers(), body: { timeout: 5 } });
    assert.equal(r.status, 400);
    r = await request(url(`requestId=${randomUUID()}`), { method: 'POST', headers: c.headers(), body: { statement: 'select 1', timeout: '5' } });
    assert.equal(r.status, 400);
    const deep = `{"statement":"select 1","parameters":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}`;
    r = await request(url(`requestId=${randomUUID()}`), { method: 'POST', headers: c.headers(), body: deep });
    assert.equal(r.status, 400);
    r = await request(`${fake.url}/api/v2/statements`, { method: 'GET', headers: c.headers() });
    assert.equal(r.status, 405);
    r = await request(`${fake.url}/api/v2/nothing`, { method: 'GET', headers: c.headers() });
    assert.equal(r.status, 404);
    const before = (await control(fake, 'GET', '/_fake/stats')).requests_without_request_id;
    r = await c.submit('select 1', { requestId: null });
    assert.equal(r.status, 200, 'requestId is optional in the API reference');
    assert.equal((await control(fake, 'GET', '/_fake/stats')).requests_without_request_id, before + 1);
    r = await c.submit('select 1', { body: { database: 'bx_db' } });
    assert.equal(r.status, 422, 'database, schema, warehouse and role are case-sensitive');
    assert.equal(r.body.message, 'SQL compilation error:\nObject does not exist, or operation cannot be performed.');
    r = await c.submit('select 1', { body: { schema: 'NOPE' } });
    assert.equal(r.status, 422);
    r = await c.submit('select count(*) from information_schema.tables', { body: { warehouse: 'NO_SUCH_WH' } });
    assert.equal(r.status, 200, 'INFORMATION_SCHEMA needs no warehouse');
    await c.ok('create table wh_check (a int)');
    r = await c.submit('select * from wh_check', { body: { warehouse: 'NO_SUCH_WH' } });
    assert.equal(r.status, 422);
    assert.equal(r.body.code, '000606');
    r = await c.submit('select * from wh_check', { body: { database: undefined, schema: undefined } });
    assert.equal(r.status, 422);
    assert.equal(r.body.code, '090105', 'no current database without a database field (the user has no default)');
  });

  test('requestId: retry=true does not execute again, the same requestId without it does', async () => {
    await c.ok('create table rid_test (n int)');
    const rid = randomUUID();
    const first = await c.submit('insert into rid_test values (1)', { requestId: rid });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.data, [['1']]);
    const retried = await c.submit('insert into rid_test values (1)', { requestId: rid, retry: true });
    assert.equal(retried.status, 200);
    assert.equal(retried.body.statementHandle, first.body.statementHandle);
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."RID_TEST"'), [['1']]);
    let stats = await control(fake, 'GET', '/_fake/stats');
    assert.equal(stats.by_request_id[rid].executions, 1);
    assert.equal(stats.by_request_id[rid].retries_served, 1);
    const again = await c.submit('insert into rid_test values (1)', { requestId: rid });
    assert.equal(again.status, 200);
    assert.notEqual(again.body.statementHandle, first.body.statementHandle);
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."RID_TEST"'), [['2']]);
    stats = await control(fake, 'GET', '/_fake/stats');
    assert.equal(stats.by_request_id[rid].executions, 2, 'without retry=true the statement ran twice');
    const fresh = randomUUID();
    const unknownRetry = await c.submit('insert into rid_test values (3)', { requestId: fresh, retry: true });
    assert.equal(unknownRetry.status, 200, 'retry=true with an unknown requestId executes');
    const failed = await c.submit('insert into rid_test values (1, 2)', { requestId: randomUUID() });
    assert.equal(failed.status, 422);
  });

  test('async=true and polling; configured polls of 202 before the result', async () => {
    const r = await c.submit('select 42 as answer', { async: true });
    assert.equal(r.status, 202);
    assert.equal(r.body.code, '333334');
    assert.match(r.body.statementStatusUrl, new RegExp(r.body.statementHandle));
    const done = await c.run('select 42 as answer', { async: true });
    assert.equal(done.status, 200);
    assert.deepEqual(done.body.data, [['42']]);
    await control(fake, 'POST', '/_fake/config', { async_polls: 3 });
    try {
      const s = await c.submit('select 7');
      assert.equal(s.status, 202, 'the submit answers 202');
      for (let i = 0; i < 3; i++) {
        const p = await c.status(s.body.statementHandle);
        assert.equal(p.status, 202, `poll ${i + 1}`);
        assert.equal(p.body.code, '333334');
      }
      const last = await c.status(s.body.statementHandle);
      assert.equal(last.status, 200);
      assert.deepEqual(last.body.data, [['7']]);
    } finally {
      await control(fake, 'POST', '/_fake/config', { async_polls: 0 });
    }
    const unknown = await c.status(randomUUID());
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.code, '000709');
  });

  test('cancel a running statement; statement timeout gives 408', async () => {
    await control(fake, 'POST', '/_fake/config', { statement_delay_ms: 4000, statement_delay_regex: 'SLOW_MARKER' });
    try {
      const s = await c.submit("select 'SLOW_MARKER'", { async: true });
      assert.equal(s.status, 202);
      const cancel = await c.cancel(s.body.statementHandle);
      assert.equal(cancel.status, 200);
      const st = await c.status(s.body.statementHandle);
      assert.equal(st.status, 422);
      assert.equal(st.body.code, '000604');
      const t = await c.submit("select 'SLOW_MARKER'", { body: { timeout: 1 } });
      assert.equal(t.status, 408);
      assert.equal(t.body.code, '000630');
    } finally {
      await control(fake, 'POST', '/_fake/config', { statement_delay_ms: 0, statement_delay_regex: null });
    }
  });

  test('multi-statement request with a TEMPORARY table, one session per request', async () => {
    await c.ok('create table ms_final (id int, v string)');
    const r = await c.submit([
      'begin',
      'create temporary table ms_stage (id int, v string)',
      "insert into ms_stage values (1, 'a'), (2, 'b')",
      'insert into ms_final select * from ms_stage',
      'select count(*) from ms_stage',
      'commit',
    ].join(';\n'), { body: { parameters: { MULTI_STATEMENT_COUNT: '6' } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.data, [['Multiple statements executed successfully.']]);
    assert.equal(r.body.statementHandles.length, 6);
    const count = await c.status(r.body.statementHandles[4]);
    assert.equal(count.status, 200);
    assert.deepEqual(count.body.data, [['2']]);
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."MS_FINAL"'), [['2']]);
    const later = await c.submit('select * from ms_stage');
    assert.equal(later.status, 422, 'a temporary table lives for its request only');
    assert.equal(later.body.code, '002003');
    const noCommit = await c.submit("begin; insert into ms_final values (3, 'c')", { body: { parameters: { MULTI_STATEMENT_COUNT: 0 } } });
    assert.equal(noCommit.status, 200);
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."MS_FINAL"'), [['2']], 'an open transaction is rolled back at the end of the request');
    const mismatch = await c.submit('select 1; select 2; select 3', { body: { parameters: { MULTI_STATEMENT_COUNT: 2 } } });
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.body.code, '000008');
    const single = await c.submit('select 1; select 2');
    assert.equal(single.status, 422);
    assert.equal(single.body.code, '000008');
    const temp = await c.submit('create temporary table t_single (a int)');
    assert.equal(temp.status, 422, 'temporary tables only in multi-statement requests');
    const failing = await c.submit("insert into ms_final values (9, 'z'); select * from nope; insert into ms_final values (10, 'y')",
      { body: { parameters: { MULTI_STATEMENT_COUNT: 3 } } });
    assert.equal(failing.status, 422);
    assert.equal(failing.body.code, '002003');
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."MS_FINAL"'), [['3']], 'statements before the failure stay committed, later ones do not run');
    const ddlCommits = await c.submit("begin; insert into ms_final values (11, 'q'); create table ms_other (a int); rollback",
      { body: { parameters: { MULTI_STATEMENT_COUNT: 4 } } });
    assert.equal(ddlCommits.status, 200);
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."MS_FINAL" where "ID" = 11'), [['1']], 'DDL commits the open transaction');
  });

  test('CREATE, INSERT, MERGE (newer version wins), DELETE', async () => {
    await c.ok('create table persons (team_id integer not null, distinct_id string not null, version integer, properties variant, updated_at timestamp_ntz)');
    await c.ok(`insert into persons select 1, 'd1', 1, parse_json('{"name":"old1"}'), '2024-01-01 00:00:00'
                union all select 1, 'd2', 5, parse_json('{"name":"old2"}'), '2024-01-01 00:00:00'`);
    const merge = await c.ok(`merge into persons as final using (
        select * from (select column1 as team_id, column2 as distinct_id, column3 as version, parse_json(column4) as properties,
                              column5::timestamp_ntz as updated_at
                       from values (1, 'd1', 2, '{"name":"new1"}', '2024-02-01 00:00:00'),
                                   (1, 'd2', 4, '{"name":"stale2"}', '2024-02-01 00:00:00'),
                                   (1, 'd3', 1, '{"name":"new3"}', '2024-02-01 00:00:00'))
      ) as stage
      on final.team_id = stage.team_id and final.distinct_id = stage.distinct_id
      when matched and stage.version > final.version then update set
        version = stage.version, properties = stage.properties, updated_at = stage.updated_at
      when not matched then insert (team_id, distinct_id, version, properties, updated_at)
        values (stage.team_id, stage.distinct_id, stage.version, stage.properties, stage.updated_at)`);
    assert.deepEqual(merge.resultSetMetaData.rowType.map((t) => t.name), ['number of rows inserted', 'number of rows updated']);
    assert.deepEqual(merge.data, [['1', '1']]);
    assert.deepEqual(merge.stats, { numRowsInserted: 1, numRowsUpdated: 1 });
    const rows = await c.ok('select distinct_id, version, properties:name::string from persons order by distinct_id');
    assert.deepEqual(rows.data, [['d1', '2', 'new1'], ['d2', '5', 'old2'], ['d3', '1', 'new3']]);
    const dup = await c.submit(`merge into persons t using (select 1 as team_id, 'd1' as distinct_id, 9 as version union all
      select 1, 'd1', 10) s on t.team_id = s.team_id and t.distinct_id = s.distinct_id
      when matched then update set version = s.version`);
    assert.equal(dup.status, 422);
    assert.equal(dup.body.code, '100090', 'a target row matched by two source rows');
    const del = await c.ok("delete from persons where distinct_id in ('d2', 'd3')");
    assert.deepEqual(del.data, [['2']]);
    assert.deepEqual(del.stats, { numRowsDeleted: 2 });
    const desc = await c.ok('describe table persons');
    assert.deepEqual(desc.data.map((r) => [r[0], r[1], r[3]]), [
      ['TEAM_ID', 'NUMBER(38,0)', 'N'], ['DISTINCT_ID', 'VARCHAR(16777216)', 'N'], ['VERSION', 'NUMBER(38,0)', 'Y'],
      ['PROPERTIES', 'VARIANT', 'Y'], ['UPDATED_AT', 'TIMESTAMP_NTZ(9)', 'Y']]);
    const info = await c.ok("select column_name, data_type from information_schema.columns where table_name = 'PERSONS' order by ordinal_position");
    assert.deepEqual(info.data.map((r) => r[1]), ['NUMBER', 'TEXT', 'NUMBER', 'VARIANT', 'TIMESTAMP_NTZ']);
    await c.ok('alter table persons add column extra string');
    const notNull = await c.submit("insert into persons (team_id, distinct_id) values (1, null)");
    assert.equal(notNull.status, 422);
    assert.equal(notNull.body.code, '100072');
  });

  test('PARSE_JSON with bindings; bind checks; VALUES takes constants only', async () => {
    await c.ok('create table docs (id string, doc variant, n number(10,2), at timestamp_ltz)');
    const ins = await c.ok('insert into docs select ?, parse_json(?), ?, ?', { body: { bindings: {
      1: { type: 'TEXT', value: "it's" }, 2: { type: 'TEXT', value: '{"a":{"b":[10,"x"]},"s":"str"}' },
      3: { type: 'FIXED', value: '12.5' }, 4: { type: 'TIMESTAMP_LTZ', value: '2024-01-15T10:00:00Z' } } } });
    assert.deepEqual(ins.data, [['1']]);
    const r = await c.ok("select id, doc:a.b[0]::int, doc:a.b[1]::string, doc:s, n, at from docs where id = ?",
      { body: { bindings: { 1: { type: 'TEXT', value: "it's" } } } });
    assert.deepEqual(r.data, [["it's", '10', 'x', '"str"', '12.50', '1705312800.000000000']]);
    assert.deepEqual(r.resultSetMetaData.rowType.map((t) => t.type), ['text', 'fixed', 'text', 'variant', 'fixed', 'timestamp_ltz']);
    const values = await c.submit('insert into docs (id, doc) values (?, parse_json(?))', { body: { bindings: {
      1: { type: 'TEXT', value: 'x' }, 2: { type: 'TEXT', value: '{}' } } } });
    assert.equal(values.status, 422);
    assert.equal(values.body.code, '002014');
    const badNum = await c.submit('insert into docs (id, n) values (?, ?)', { body: { bindings: {
      1: { type: 'TEXT', value: 'x' }, 2: { type: 'FIXED', value: 'twelve' } } } });
    assert.equal(badNum.status, 422);
    assert.equal(badNum.body.code, '100038');
    const missing = await c.submit('select ?, ?', { body: { bindings: { 1: { type: 'TEXT', value: 'x' } } } });
    assert.equal(missing.status, 422);
    const badType = await c.submit('select ?', { body: { bindings: { 1: { type: 'VARIANT', value: '{}' } } } });
    assert.equal(badType.status, 422);
    const asString = await c.ok("insert into docs (id, doc) select 'plain', '{\"not\":\"parsed\"}'");
    assert.deepEqual(asString.data, [['1']]);
    const plain = await c.ok("select doc from docs where id = 'plain'");
    assert.equal(plain.data[0][0], '"{\\"not\\":\\"parsed\\"}"', 'a VARCHAR put into a VARIANT is a string, not parsed');
    const nulls = await c.submit('select null as x', { query: '&nullable=false' });
    assert.deepEqual(nulls.body.data, [['null']]);
  });

  test('unknown table and column; identifiers resolve the Snowflake way', async () => {
    let r = await c.submit('select * from no_such_table');
    assert.equal(r.status, 422);
    assert.equal(r.body.code, '002003');
    assert.equal(r.body.sqlState, '42S02');
    assert.equal(r.body.message, "SQL compilation error:\nObject 'BX_DB.BX_SCHEMA.NO_SUCH_TABLE' does not exist or not authorized.");
    await c.ok('create table idents (plain string, "MixedCase" string, "lower" int)');
    r = await c.submit('select no_such_column from idents');
    assert.equal(r.status, 422);
    assert.equal(r.body.code, '000904');
    assert.match(r.body.message, /invalid identifier 'NO_SUCH_COLUMN'/);
    r = await c.submit('select "plain" from idents');
    assert.equal(r.status, 422, 'quoted identifiers are case-sensitive');
    assert.match(r.body.message, /invalid identifier '"plain"'/);
    r = await c.submit('select mixedcase from idents');
    assert.equal(r.status, 422);
    r = await c.ok('select PLAIN, plain, "MixedCase", "lower" from idents');
    assert.deepEqual(r.resultSetMetaData.rowType.map((t) => t.name), ['PLAIN', 'PLAIN', 'MixedCase', 'lower']);
    r = await c.submit('select * from "idents"');
    assert.equal(r.status, 422);
    await c.ok('create table "idents" (x int)');
    await c.ok('insert into "idents" values (5)');
    r = await c.ok('select * from "idents"');
    assert.deepEqual(r.data, [['5']]);
    r = await c.ok('select count(*) from idents');
    assert.deepEqual(r.data, [['0']]);
    r = await c.submit('select * from other_db.public.t');
    assert.equal(r.status, 422);
  });

  test('faults: 429/503 with Retry-After, after_action (response lost after the server acted), dropped connections', async () => {
    await c.ok('create table faulty (n int)');
    await control(fake, 'POST', '/_fake/faults', { status: 429, times: 2, retry_after: 2, statement_regex: 'FAULTY' });
    let r = await c.submit('insert into faulty values (1)');
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '2');
    r = await c.submit('insert into faulty values (1)');
    assert.equal(r.status, 429);
    r = await c.submit('insert into faulty values (1)');
    assert.equal(r.status, 200);
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."FAULTY"'), [['1']]);

    await control(fake, 'POST', '/_fake/faults', { status: 503, after_action: true, statement_regex: 'into faulty' });
    const rid = randomUUID();
    r = await c.submit('insert into faulty values (2)', { requestId: rid });
    assert.equal(r.status, 503);
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."FAULTY"'), [['2']], 'the insert ran although the client saw 503');
    r = await c.submit('insert into faulty values (2)', { requestId: rid, retry: true });
    assert.equal(r.status, 200);
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."FAULTY"'), [['2']], 'retry=true did not insert again');
    assert.equal((await control(fake, 'GET', '/_fake/stats')).by_request_id[rid].executions, 1);

    await control(fake, 'POST', '/_fake/faults', { drop_connection: true, after_action: true, statement_regex: 'into faulty' });
    await assert.rejects(c.submit('insert into faulty values (3)'), /socket hang up|ECONNRESET/);
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."FAULTY"'), [['3']]);

    await control(fake, 'POST', '/_fake/faults', { drop_connection: true, path_regex: '^/api/v2/statements$' });
    await assert.rejects(c.submit('insert into faulty values (4)'), /socket hang up|ECONNRESET/);
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."FAULTY"'), [['3']], 'dropped before acting');

    await control(fake, 'POST', '/_fake/faults', { status: 500, method: 'GET' });
    const s = await c.submit('select 1', { async: true });
    assert.equal((await c.status(s.body.statementHandle)).status, 500);
    let st = await c.status(s.body.statementHandle);
    while (st.status === 202) st = await c.status(s.body.statementHandle);
    assert.equal(st.status, 200);
    await control(fake, 'POST', '/_fake/faults', { delay_ms: 300, statement_regex: 'DELAYED' });
    const t0 = Date.now();
    assert.equal((await c.submit("select 'DELAYED'")).status, 200);
    assert.ok(Date.now() - t0 >= 280);
  });

  test('statement size limit; VALUES row limit', async () => {
    await c.ok('create table big (s string)');
    const payload = 'x'.repeat(1100000);
    const r = await c.submit(`insert into big values ('${payload}')`);
    assert.equal(r.status, 422);
    assert.equal(r.body.code, '001500');
    const viaBind = await c.submit('insert into big values (?)', { body: { bindings: { 1: { type: 'TEXT', value: payload } } } });
    assert.equal(viaBind.status, 422, 'bind values count towards the limit');
    assert.deepEqual(await sql('select count(*) from "BX_DB__BX_SCHEMA"."BIG"'), [['0']]);
    const ok = await c.submit(`insert into big values ('${'y'.repeat(900000)}')`);
    assert.equal(ok.status, 200);
    const many = await c.submit(`insert into big values ${Array.from({ length: 16385 }, () => "('a')").join(',')}`);
    assert.equal(many.status, 422);
    assert.equal(many.body.code, '001795');
  });

  test('result partitions and Link headers', async () => {
    await control(fake, 'POST', '/_fake/config', { partition_rows: 2 });
    try {
      const r = await c.ok('select * from (values (1), (2), (3), (4), (5)) order by 1');
      assert.deepEqual(r.resultSetMetaData.partitionInfo.map((p) => p.rowCount), [2, 2, 1]);
      assert.equal(r.data.length, 2);
      const p2 = await c.status(r.statementHandle, '&partition=2');
      assert.equal(p2.status, 200);
      assert.deepEqual(p2.body.data, [['5']]);
      assert.match(p2.headers.link, /rel="first"/);
    } finally {
      await control(fake, 'POST', '/_fake/config', { partition_rows: 0 });
    }
  });

  test('control API: stats and reset', async () => {
    const stats = await control(fake, 'GET', '/_fake/stats');
    assert.ok(stats.requests > 0 && stats.executions > 0 && stats.fake_cpu_total_ms > 0);
    await control(fake, 'POST', '/_fake/reset');
    const after = await control(fake, 'GET', '/_fake/stats');
    assert.equal(after.requests, 0);
    assert.deepEqual((await control(fake, 'GET', '/_fake/requests')).length, 0);
    const r = await c.submit('select * from persons');
    assert.equal(r.status, 422, 'tables are gone');
    assert.equal((await c.submit('select 1')).status, 200, 'the initial key still works');
  });

  test('requests.log: one line per request with CPU time, no credentials', async () => {
    await c.submit("select 'AWS_SECRET_KEY = ''abc''' as x");
    const lines = fs.readFileSync(path.join(fake.dir, 'requests.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.length > 10);
    for (const l of lines) {
      assert.ok('fake_cpu_ms' in l && 'wall_ms' in l && 'status' in l && 'requestId' in l && 'path' in l);
    }
    assert.ok(!JSON.stringify(lines).includes('Bearer'));
  });
});

const haveRgw = spawnSync('sh', ['-c', 'command -v radosgw && command -v ceph-mon && command -v ceph-osd && test -x /usr/bin/aws']).status === 0;

describe('snowflake fake: COPY INTO from S3 (Ceph RGW)', { skip: haveRgw ? false : 'radosgw, ceph-mon, ceph-osd or /usr/bin/aws not installed: COPY tests need a real S3 (scripts/start-rgw)' }, () => {
  let rgwDir;
  let endpoint;
  let fake;
  let c;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-copy-'));
  const awsEnv = {
    ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'TESTACCESSKEY', AWS_SECRET_ACCESS_KEY: 'TESTSECRETKEY', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '',
  };
  const aws = (...args) => execFileSync('/usr/bin/aws', ['--endpoint-url', endpoint, ...args], { env: awsEnv, encoding: 'utf8' });
  const creds = "CREDENTIALS = (AWS_KEY_ID = 'TESTACCESSKEY' AWS_SECRET_KEY = 'TESTSECRETKEY')";
  const listKeys = (prefix) => {
    const out = JSON.parse(aws('s3api', 'list-objects-v2', '--bucket', 'loads', '--prefix', prefix) || '{}');
    return (out.Contents || []).map((o) => o.Key);
  };

  before(async () => {
    rgwDir = path.join(work, 'rgw');
    execFileSync(path.join(REPO, 'scripts/start-rgw'), [rgwDir, 'auto'], { stdio: 'ignore' });
    endpoint = fs.readFileSync(path.join(rgwDir, 'endpoint'), 'utf8').trim();
    aws('s3', 'mb', 's3://loads');
    fake = await startFakeProcess(['--s3-endpoint', endpoint]);
    c = new Client(fake);
    await c.ok(`create table events (uuid string not null, event string, properties variant, distinct_id string,
      team_id integer, "timestamp" timestamp_ntz, elements_chain string)`);
  });
  after(async () => {
    if (fake) await fake.stop();
    if (rgwDir) spawnSync(path.join(REPO, 'scripts/stop-rgw'), [rgwDir], { stdio: 'ignore' });
    fs.rmSync(work, { recursive: true, force: true });
  });

  const makeFile = (name, from, count, compress) => {
    const lines = [];
    for (let i = from; i < from + count; i++) {
      lines.push(JSON.stringify({ uuid: `u${i}`, event: `event_${i % 7}`, properties: { i, s: 'x'.repeat(40), nested: [i, { k: 'v' }] },
        distinct_id: `d${i % 1000}`, team_id: 1 + (i % 3), timestamp: new Date(Date.UTC(2024, 0, 15) + i * 1000).toISOString(), elements_chain: '' }));
    }
    const text = `${lines.join('\n')}\n`;
    const file = path.join(work, name);
    fs.writeFileSync(file, compress === 'gzip' ? zlib.gzipSync(text, { level: 1 }) : text);
    if (compress === 'zstd') {
      execFileSync('zstd', ['-q', '-f', '--rm', file, '-o', `${file}.tmp`]);
      fs.renameSync(`${file}.tmp`, file);
    }
    return file;
  };

  test('loads 200k rows from gzip JSON lines, skips them on a second COPY, PURGE removes them', async () => {
    const dir = path.join(work, 'batch1');
    fs.mkdirSync(dir);
    for (let k = 0; k < 4; k++) fs.renameSync(makeFile(`part-${k}.jsonl.gz`, k * 50000, 50000, 'gzip'), path.join(dir, `part-${k}.jsonl.gz`));
    aws('s3', 'cp', '--no-progress', '--recursive', dir, 's3://loads/batch1/');
    const copy = `copy into events from 's3://loads/batch1/' ${creds} file_format = (type = 'JSON') match_by_column_name = case_insensitive`;
    const r = await c.ok(copy);
    assert.deepEqual(r.resultSetMetaData.rowType.map((t) => t.name), ['file', 'status', 'rows_parsed', 'rows_loaded', 'error_limit',
      'errors_seen', 'first_error', 'first_error_line', 'first_error_character', 'first_error_column_name']);
    assert.equal(r.data.length, 4);
    for (const row of r.data) {
      assert.match(row[0], /^s3:\/\/loads\/batch1\/part-\d\.jsonl\.gz$/);
      assert.deepEqual(row.slice(1, 6), ['LOADED', '50000', '50000', '1', '0']);
    }
    assert.deepEqual(await fakeSql(fake, 'select count(*), count(distinct "UUID") from "BX_DB__BX_SCHEMA"."EVENTS"'), [['200000', '200000']]);
    const row = await c.ok("select event, properties:i::int, properties:nested[1].k::string, team_id, \"timestamp\" from events where uuid = 'u12345'");
    assert.deepEqual(row.data, [['event_4', '12345', 'v', '1', String(Date.UTC(2024, 0, 15) / 1000 + 12345) + '.000000000']]);
    const again = await c.ok(copy);
    assert.deepEqual(again.data, [['Copy executed with 0 files processed.']]);
    assert.deepEqual(await fakeSql(fake, 'select count(*) from "BX_DB__BX_SCHEMA"."EVENTS"'), [['200000']]);
    const purge = await c.ok(`${copy} force = true purge = true files = ('part-0.jsonl.gz', 'part-1.jsonl.gz')`);
    assert.equal(purge.data.length, 2);
    assert.deepEqual(listKeys('batch1/').sort(), ['batch1/part-2.jsonl.gz', 'batch1/part-3.jsonl.gz']);
    assert.deepEqual(await fakeSql(fake, 'select count(*) from "BX_DB__BX_SCHEMA"."EVENTS"'), [['300000']]);
    const stats = await control(fake, 'GET', '/_fake/stats');
    assert.equal(stats.copy_files.filter((f) => f.table === 'BX_DB.BX_SCHEMA.EVENTS').length, 6);
  });

  test('zstd files, PATTERN, CASE_SENSITIVE matching, ON_ERROR, Parquet', async () => {
    await c.ok('create table ev2 like events');
    const f = makeFile('a.jsonl.zst', 0, 10, 'zstd');
    aws('s3', 'cp', '--no-progress', f, 's3://loads/batch2/a.jsonl.zst');
    aws('s3', 'cp', '--no-progress', makeFile('b.jsonl', 10, 5, null), 's3://loads/batch2/b.jsonl');
    let r = await c.ok(`copy into ev2 from 's3://loads/batch2/' ${creds} pattern = '.*[.]zst' file_format = (type = json) match_by_column_name = case_insensitive`);
    assert.deepEqual(r.data.map((x) => [x[0], x[3]]), [['s3://loads/batch2/a.jsonl.zst', '10']]);
    r = await c.submit(`copy into ev2 from 's3://loads/batch2/' ${creds} file_format = (type = json) match_by_column_name = case_sensitive`);
    assert.equal(r.status, 422, 'lower-case keys do not match upper-case columns case-sensitively: UUID is NULL');
    assert.equal(r.body.code, '100072');
    fs.writeFileSync(path.join(work, 'bad.jsonl'), '{"uuid":"x1","team_id":"abc"}\n{"uuid":"x2","team_id":"7"}\n');
    aws('s3', 'cp', '--no-progress', path.join(work, 'bad.jsonl'), 's3://loads/batch3/bad.jsonl');
    const bad = `copy into ev2 from 's3://loads/batch3/' ${creds} file_format = (type = json) match_by_column_name = case_insensitive`;
    r = await c.submit(bad);
    assert.equal(r.status, 422);
    assert.equal(r.body.code, '100038');
    assert.match(r.body.message, /Numeric value 'abc' is not recognized/);
    r = await c.ok(`${bad} on_error = continue`);
    assert.deepEqual(r.data[0].slice(1, 7), ['PARTIALLY_LOADED', '2', '1', '2', '1', "Numeric value 'abc' is not recognized"]);
    r = await c.ok(`${bad} on_error = skip_file force = true`);
    assert.deepEqual(r.data[0].slice(1, 4), ['LOAD_FAILED', '2', '0']);
    const pq = path.join(work, 'p.parquet');
    execFileSync(process.execPath, ['--input-type=module', '-e', `
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const c = await (await DuckDBInstance.create(':memory:')).connect();
      await c.run("COPY (SELECT 'p' || i AS uuid, i AS team_id, {'k': i} AS properties FROM range(100) t(i)) TO '${pq}' (FORMAT parquet)");
    `], { cwd: path.join(REPO, 'tests/fakes'), stdio: ['ignore', 'ignore', 'inherit'] });
    aws('s3', 'cp', '--no-progress', pq, 's3://loads/batch4/p.parquet');
    r = await c.ok(`copy into ev2 from 's3://loads/batch4/' ${creds} file_format = (type = parquet) match_by_column_name = case_insensitive`);
    assert.deepEqual(r.data[0].slice(1, 4), ['LOADED', '100', '100']);
    r = await c.ok("select team_id, properties:k::int from ev2 where uuid = 'p42'");
    assert.deepEqual(r.data, [['42', '42']]);
  });

  test('wrong credentials and a missing bucket fail like Snowflake', async () => {
    let r = await c.submit(`copy into events from 's3://loads/batch1/' CREDENTIALS = (AWS_KEY_ID = 'TESTACCESSKEY' AWS_SECRET_KEY = 'WRONG')
      file_format = (type = json) match_by_column_name = case_insensitive`);
    assert.equal(r.status, 422);
    assert.equal(r.body.code, '091003');
    assert.match(r.body.message, /^Failure using stage area\. Cause: \[.*SignatureDoesNotMatch/);
    r = await c.submit(`copy into events from 's3://loads/batch1/' CREDENTIALS = (AWS_KEY_ID = 'NOSUCHKEY' AWS_SECRET_KEY = 'WRONG')
      file_format = (type = json) match_by_column_name = case_insensitive`);
    assert.equal(r.status, 422);
    assert.equal(r.body.code, '091003');
    r = await c.submit(`copy into events from 's3://no-such-bucket/x/' ${creds} file_format = (type = json) match_by_column_name = case_insensitive`);
    assert.equal(r.status, 422);
    assert.match(r.body.message, /NoSuchBucket/);
    r = await c.submit(`copy into events from 's3://loads/batch1/' file_format = (type = json) match_by_column_name = case_insensitive`);
    assert.equal(r.status, 422, 'no credentials: anonymous access is denied');
    r = await c.submit(`copy into events from 's3://loads/batch1/' ${creds} file_format = (type = json)`);
    assert.equal(r.status, 422);
    assert.equal(r.body.code, '002023', 'JSON without MATCH_BY_COLUMN_NAME loads one VARIANT column only');
    const log = fs.readFileSync(path.join(fake.dir, 'requests.log'), 'utf8');
    assert.ok(!log.includes('TESTSECRETKEY') && !log.includes('TESTACCESSKEY'), 'credentials are redacted in requests.log');
  });

  test('COPY into a temporary stage table, then MERGE, in one multi-statement request', async () => {
    await c.ok('create table people (distinct_id string, version integer, props variant)');
    fs.writeFileSync(path.join(work, 'p1.jsonl'), '{"distinct_id":"a","version":1,"props":{"n":1}}\n{"distinct_id":"b","version":1,"props":{"n":2}}\n');
    aws('s3', 'cp', '--no-progress', path.join(work, 'p1.jsonl'), 's3://loads/people/p1.jsonl');
    const r = await c.submit([
      'create temporary table people_stage like people',
      `copy into people_stage from 's3://loads/people/' ${creds} file_format = (type = json) match_by_column_name = case_insensitive purge = true`,
      `merge into people t using people_stage s on t.distinct_id = s.distinct_id
         when matched and s.version > t.version then update set version = s.version, props = s.props
         when not matched then insert (distinct_id, version, props) values (s.distinct_id, s.version, s.props)`,
    ].join(';'), { body: { parameters: { MULTI_STATEMENT_COUNT: 3 } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const merged = await c.status(r.body.statementHandles[2]);
    assert.deepEqual(merged.body.data, [['2', '0']]);
    assert.deepEqual(listKeys('people/'), []);
  });
});
