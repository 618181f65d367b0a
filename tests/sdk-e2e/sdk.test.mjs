// The official @infisical/sdk against a real coffer-server, doing what an SDK user does.
import assert from "node:assert/strict";
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { after, before, describe, test } from "node:test";

import { InfisicalSDK } from "@infisical/sdk";

import { spawnSync } from "node:child_process";

import { admin, startRedis, startServer, startSts } from "./server.mjs";

let server;
let projectId;
let clientId;
let clientSecret;
let asAdmin;
let organizationId;
/** An SDK logged in with the machine identity's universal auth. */
let sdk;

before(async () => {
  server = await startServer();
  const bootstrap = await admin(server.url)("POST", "/api/v1/admin/bootstrap", {
    email: "admin@example.com",
    password: "correct horse battery staple",
    organization: "SDK e2e",
  });
  asAdmin = admin(server.url, bootstrap.identity.credentials.token);
  organizationId = bootstrap.organization.id;
  projectId = (await asAdmin("POST", "/api/v1/projects", { projectName: "sdk-e2e" })).project.id;
  const identity = await asAdmin("POST", "/api/v1/identities", {
    name: "sdk-machine",
    organizationId: bootstrap.organization.id,
    role: "member",
  });
  const identityId = identity.identity.id;
  // A token lifetime below the maximum, so a token can be renewed.
  clientId = (await asAdmin("POST", `/api/v1/auth/universal-auth/identities/${identityId}`, { accessTokenTTL: 3600, accessTokenMaxTTL: 86400 }))
    .identityUniversalAuth.clientId;
  clientSecret = (await asAdmin("POST", `/api/v1/auth/universal-auth/identities/${identityId}/client-secrets`, {})).clientSecret;
  await asAdmin("POST", `/api/v1/projects/${projectId}/identity-memberships/${identityId}`, { role: "member" });

  sdk = new InfisicalSDK({ siteUrl: server.url });
  await sdk.auth().universalAuth.login({ clientId, clientSecret });
});

after(async () => {
  await server?.stop();
});

const dev = () => ({ projectId, environment: "dev" });

describe("authentication", () => {
  test("universalAuth.login stores an access token", async () => {
    const fresh = new InfisicalSDK({ siteUrl: server.url });
    await fresh.auth().universalAuth.login({ clientId, clientSecret });
    assert.equal(fresh.auth().getAccessToken().split(".").length, 3);
  });

  test("universalAuth.renew issues a new working token", async () => {
    const client = new InfisicalSDK({ siteUrl: server.url });
    await client.auth().universalAuth.login({ clientId, clientSecret });
    const before = client.auth().getAccessToken();
    await new Promise((r) => setTimeout(r, 1100));
    await client.auth().universalAuth.renew();
    const renewed = client.auth().getAccessToken();
    assert.notEqual(renewed, before);
    const { secrets } = await client.secrets().listSecrets(dev());
    assert.ok(Array.isArray(secrets));
  });

  test("bad credentials surface the server's message", async () => {
    const client = new InfisicalSDK({ siteUrl: server.url });
    await assert.rejects(client.auth().universalAuth.login({ clientId, clientSecret: "0".repeat(64) }), /Invalid credentials/);
  });
});

describe("secrets", () => {
  test("createSecret then getSecret", async () => {
    const created = await sdk.secrets().createSecret("DATABASE_URL", { ...dev(), secretValue: "postgres://db/app", secretComment: "main" });
    assert.equal(created.secret.secretKey, "DATABASE_URL");
    assert.equal(created.secret.secretValue, "postgres://db/app");
    assert.equal(created.secret.version, 1);
    const secret = await sdk.secrets().getSecret({ ...dev(), secretName: "DATABASE_URL" });
    assert.equal(secret.secretValue, "postgres://db/app");
    assert.equal(secret.secretComment, "main");
    assert.equal(secret.type, "shared");
    assert.equal(secret.secretValueHidden, false);
  });

  test("listSecrets with and without expandSecretReferences", async () => {
    await sdk.secrets().createSecret("HOST", { ...dev(), secretValue: "db.internal" });
    await sdk.secrets().createSecret("DSN", { ...dev(), secretValue: "pg://${HOST}:5432" });
    const expanded = await sdk.secrets().listSecrets(dev());
    assert.equal(expanded.secrets.find((s) => s.secretKey === "DSN").secretValue, "pg://db.internal:5432");
    const raw = await sdk.secrets().listSecrets({ ...dev(), expandSecretReferences: false });
    assert.equal(raw.secrets.find((s) => s.secretKey === "DSN").secretValue, "pg://${HOST}:5432");
    const one = await sdk.secrets().getSecret({ ...dev(), secretName: "DSN" });
    assert.equal(one.secretValue, "pg://db.internal:5432");
  });

  test("listSecrets recursive reaches folders below the path", async () => {
    await sdk.folders().create({ ...dev(), name: "payments", path: "/" });
    await sdk.secrets().createSecret("STRIPE_KEY", { ...dev(), secretPath: "/payments", secretValue: "sk_test" });
    const top = await sdk.secrets().listSecrets(dev());
    assert.equal(top.secrets.find((s) => s.secretKey === "STRIPE_KEY"), undefined);
    const all = await sdk.secrets().listSecrets({ ...dev(), recursive: true });
    const stripe = all.secrets.find((s) => s.secretKey === "STRIPE_KEY");
    assert.equal(stripe.secretValue, "sk_test");
    assert.equal(stripe.secretPath, "/payments");
  });

  test("listSecrets includeImports returns the imported secrets", async () => {
    await asAdmin("POST", "/api/v3/secrets/raw/SHARED_FROM_PROD", { workspaceId: projectId, environment: "prod", secretValue: "from-prod" });
    await asAdmin("POST", "/api/v1/secret-imports", { workspaceId: projectId, environment: "dev", path: "/", import: { environment: "prod", path: "/" } });
    const withImports = await sdk.secrets().listSecrets({ ...dev(), includeImports: true });
    assert.equal(withImports.imports.length, 1);
    assert.equal(withImports.imports[0].environment, "prod");
    assert.equal(withImports.imports[0].secrets.find((s) => s.secretKey === "SHARED_FROM_PROD").secretValue, "from-prod");
    const merged = await sdk.secrets().listSecretsWithImports(dev());
    assert.ok(merged.some((s) => s.secretKey === "SHARED_FROM_PROD"));
    const without = await sdk.secrets().listSecrets(dev());
    assert.deepEqual(without.imports, []);
  });

  test("listSecrets can attach the secrets to process.env", async () => {
    await sdk.secrets().createSecret("ATTACHED_VAR", { ...dev(), secretValue: "in-env" });
    await sdk.secrets().listSecrets({ ...dev(), attachToProcessEnv: true });
    assert.equal(process.env.ATTACHED_VAR, "in-env");
  });

  test("updateSecret changes the value, then renames", async () => {
    await sdk.secrets().createSecret("TO_UPDATE", { ...dev(), secretValue: "v1" });
    const updated = await sdk.secrets().updateSecret("TO_UPDATE", { ...dev(), secretValue: "v2" });
    assert.equal(updated.secret.version, 2);
    assert.equal(updated.secret.secretValue, "v2");
    const first = await sdk.secrets().getSecret({ ...dev(), secretName: "TO_UPDATE", version: 1 });
    assert.equal(first.secretValue, "v1");
    assert.equal(first.version, 1);
    await sdk.secrets().updateSecret("TO_UPDATE", { ...dev(), newSecretName: "RENAMED" });
    const renamed = await sdk.secrets().getSecret({ ...dev(), secretName: "RENAMED" });
    assert.equal(renamed.secretValue, "v2");
    assert.equal(renamed.version, 3);
    await assert.rejects(sdk.secrets().getSecret({ ...dev(), secretName: "TO_UPDATE" }), /Secret with name 'TO_UPDATE' not found/);
  });

  test("deleteSecret removes it", async () => {
    await sdk.secrets().createSecret("TO_DELETE", { ...dev(), secretValue: "bye" });
    const deleted = await sdk.secrets().deleteSecret("TO_DELETE", dev());
    assert.equal(deleted.secret.secretKey, "TO_DELETE");
    const { secrets } = await sdk.secrets().listSecrets(dev());
    assert.equal(secrets.find((s) => s.secretKey === "TO_DELETE"), undefined);
    await assert.rejects(sdk.secrets().deleteSecret("TO_DELETE", dev()), /StatusCode=404/);
  });

  test("errors carry Infisical's status and message", async () => {
    await assert.rejects(
      sdk.secrets().createSecret("DATABASE_URL", { ...dev(), secretValue: "again" }),
      (err) => /StatusCode=400/.test(err.message) && /Secret already exists/.test(err.message),
    );
    await assert.rejects(
      sdk.secrets().listSecrets({ ...dev(), secretPath: "/no/such/folder" }),
      /Folder with path '\/no\/such\/folder' in environment 'dev' was not found/,
    );
  });
});

describe("projects, environments and folders", () => {
  test("projects().create and environments().create", async () => {
    const project = await sdk.projects().create({ projectName: "made-by-sdk", type: "secret-manager" });
    assert.equal(project.name, "made-by-sdk");
    const env = await sdk.environments().create({ projectId: project.id, name: "QA", slug: "qa" });
    assert.equal(env.slug, "qa");
    await sdk.secrets().createSecret("QA_ONLY", { projectId: project.id, environment: "qa", secretValue: "q" });
    const { secrets } = await sdk.secrets().listSecrets({ projectId: project.id, environment: "qa" });
    assert.deepEqual(secrets.map((s) => s.secretKey), ["QA_ONLY"]);
  });

  test("projects().inviteMembers adds organization members and needs member create for new addresses", async () => {
    const project = await sdk.projects().create({ projectName: "invites-by-sdk", type: "secret-manager" });
    const memberships = await sdk.projects().inviteMembers({ projectId: project.id, emails: ["admin@example.com"], roleSlugs: ["viewer"] });
    assert.equal(memberships.length, 1);
    assert.equal(memberships[0].projectId, project.id);
    // A new address would be invited into the organization, which the identity's org role (member) may not do.
    await assert.rejects(
      sdk.projects().inviteMembers({ projectId: project.id, emails: ["newcomer@example.com"] }),
      /You are not allowed to create on member/,
    );
  });

  test("folders().create and listFolders", async () => {
    const folder = await sdk.folders().create({ ...dev(), name: "services", path: "/" });
    assert.equal(folder.name, "services");
    await sdk.folders().create({ ...dev(), name: "api", path: "/services" });
    const top = await sdk.folders().listFolders({ ...dev(), path: "/" });
    assert.ok(top.some((f) => f.name === "services"));
    const below = await sdk.folders().listFolders({ ...dev(), path: "/services" });
    assert.deepEqual(below.map((f) => f.name), ["api"]);
    const deep = await sdk.folders().listFolders({ ...dev(), path: "/", recursive: true });
    assert.ok(deep.some((f) => f.name === "api"));
  });
});

describe("kms", () => {
  test("keys(): create, getByName and delete", async () => {
    const key = await sdk.kms().keys().create({ projectId, name: "sdk-key", description: "made by the SDK", encryptionAlgorithm: "aes-256-gcm" });
    assert.equal(key.name, "sdk-key");
    assert.equal(key.keyUsage, "encrypt-decrypt");
    assert.equal(key.encryptionAlgorithm, "aes-256-gcm");
    const found = await sdk.kms().keys().getByName({ projectId, name: "sdk-key" });
    assert.equal(found.id, key.id);
    const deleted = await sdk.kms().keys().delete({ keyId: key.id });
    assert.equal(deleted.id, key.id);
    await assert.rejects(sdk.kms().keys().getByName({ projectId, name: "sdk-key" }), /Key with name "sdk-key" not found/);
  });

  test("encryption(): encrypt and decrypt round trip", async () => {
    const key = await sdk.kms().keys().create({ projectId, name: "sdk-cipher" });
    const plaintext = Buffer.from("the launch codes").toString("base64");
    const ciphertext = await sdk.kms().encryption().encrypt({ keyId: key.id, plaintext });
    assert.notEqual(ciphertext, plaintext);
    assert.equal(await sdk.kms().encryption().decrypt({ keyId: key.id, ciphertext }), plaintext);
  });

  test("signing(): sign, verify (valid and tampered), algorithms, and a public key Node's crypto accepts", async () => {
    const key = await sdk.kms().keys().create({ projectId, name: "sdk-signer", keyUsage: "sign-verify", encryptionAlgorithm: "ECC_NIST_P256" });
    const algorithms = await sdk.kms().signing().listSigningAlgorithms({ keyId: key.id });
    assert.deepEqual(algorithms, ["ECDSA_SHA_512", "ECDSA_SHA_384", "ECDSA_SHA_256"]);
    const data = Buffer.from("release-1.0.0.tar.gz");
    const signed = await sdk.kms().signing().sign({ keyId: key.id, data: data.toString("base64"), signingAlgorithm: "ECDSA_SHA_256" });
    assert.equal(signed.keyId, key.id);
    assert.equal(signed.signingAlgorithm, "ECDSA_SHA_256");
    const valid = await sdk.kms().signing().verify({
      keyId: key.id, data: data.toString("base64"), signature: signed.signature, signingAlgorithm: "ECDSA_SHA_256",
    });
    assert.equal(valid.signatureValid, true);
    const tampered = await sdk.kms().signing().verify({
      keyId: key.id, data: Buffer.from("release-1.0.1.tar.gz").toString("base64"), signature: signed.signature, signingAlgorithm: "ECDSA_SHA_256",
    });
    assert.equal(tampered.signatureValid, false);
    const publicKey = await sdk.kms().signing().getPublicKey({ keyId: key.id });
    const imported = createPublicKey({ key: Buffer.from(publicKey, "base64"), format: "der", type: "spki" });
    assert.equal(nodeVerify("sha256", data, { key: imported, dsaEncoding: "der" }, Buffer.from(signed.signature, "base64")), true);
  });
});

describe("dynamic secrets", () => {
  const rootPassword = "redis-root-Pa55word";
  let redis;
  let projectSlug;
  const redisUsers = () =>
    spawnSync("redis-cli", ["-p", String(redis.port), "--no-auth-warning", "-a", rootPassword, "ACL", "USERS"], { encoding: "utf8" }).stdout.split("\n");

  before(async () => {
    redis = await startRedis(rootPassword);
    projectSlug = (await asAdmin("GET", `/api/v1/projects/${projectId}`)).project.slug;
  });

  after(() => redis?.stop());

  test("create, lease, renew, revoke and delete a Redis dynamic secret through the SDK", async () => {
    const place = { projectSlug, environmentSlug: "dev", path: "/" };
    const created = await sdk.dynamicSecrets().create({
      ...place,
      name: "sdk-redis",
      provider: { type: "redis", inputs: { host: "127.0.0.1", port: redis.port, username: "default", password: rootPassword } },
      defaultTTL: "1h",
      maxTTL: "1d",
    });
    assert.equal(created.name, "sdk-redis");
    assert.equal(created.type, "redis");
    assert.equal(created.inputs.password, ""); // present, never revealed

    const leased = await sdk.dynamicSecrets().leases.create({ ...place, dynamicSecretName: "sdk-redis", ttl: "30m" });
    const user = leased.data.DB_USERNAME;
    assert.equal(leased.lease.externalEntityId, user);
    assert.equal(leased.data.DB_PASSWORD.length, 64);
    assert.ok(redisUsers().includes(user));

    const renewed = await sdk.dynamicSecrets().leases.renew(leased.lease.id, { ...place, ttl: "1h" });
    assert.equal(Date.parse(renewed.lease.expireAt) - Date.parse(leased.lease.expireAt), 3_600_000);

    const revoked = await sdk.dynamicSecrets().leases.delete(leased.lease.id, { ...place, isForced: false });
    assert.equal(revoked.lease.id, leased.lease.id);
    assert.ok(!redisUsers().includes(user));

    await sdk.dynamicSecrets().leases.create({ ...place, dynamicSecretName: "sdk-redis" });
    const deleted = await sdk.dynamicSecrets().delete("sdk-redis", { ...place, isForced: false });
    assert.equal(deleted.id, created.id);
    assert.deepEqual(redisUsers().filter((u) => u && u !== "default"), []); // deleting it revoked its last lease
  });
});

describe("aws iam auth", () => {
  test("awsIamAuth.login signs GetCallerIdentity and logs in through the identity's STS endpoint", async () => {
    // Region and credentials always set: without a region the SDK asks the instance-metadata address, and no test
    // may send traffic anywhere but loopback.
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY };
    const credentials = { accessKeyId: "AKIATESTSDKE2E000001", secretAccessKey: "sdk-e2e-secret-key-0123456789abcdefghij" };
    Object.assign(process.env, { AWS_REGION: "eu-central-1", AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });
    const sts = await startSts({ ...credentials, arn: "arn:aws:sts::123456789012:assumed-role/lambda-reader/fn-1", account: "123456789012" });
    try {
      const identityId = (await asAdmin("POST", "/api/v1/identities", { name: "sdk-aws", organizationId, role: "member" })).identity.id;
      await asAdmin("POST", `/api/v1/auth/aws-auth/identities/${identityId}`, {
        stsEndpoint: sts.endpoint,
        allowedAccountIds: "123456789012",
        allowedPrincipalArns: "arn:aws:iam::123456789012:role/lambda-*",
      });
      const client = new InfisicalSDK({ siteUrl: server.url });
      await client.auth().awsIamAuth.login({ identityId });
      assert.equal(client.auth().getAccessToken().split(".").length, 3);
      assert.equal(sts.seen.length, 1);
      assert.equal(sts.seen[0].host, "sts.eu-central-1.amazonaws.com");
      assert.equal(sts.seen[0].body, "Action=GetCallerIdentity&Version=2011-06-15");
    } finally {
      await sts.stop();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
