using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Kms;

/// <summary>
/// Customer-managed keys (Infisical's cmek service): the <c>cmek</c> project permissions decide, a disabled key refuses
/// every operation, and key material is opened only for the operation at hand, from its row sealed under the project's
/// data key, and zeroed after. Beyond Infisical's single version: rotation adds a version (new encryptions use it, every
/// version from the minimum decryption version on still decrypts), and rewrap moves a ciphertext to the newest version
/// without the plaintext leaving the server.
/// </summary>
public sealed class KmsService(Db db, PermissionService permissions, ProjectKeyRing keyRing, AuditBatcher auditBatcher, TimeProvider time)
{
    /// <summary>The associated-data field of a key version's sealed material.</summary>
    public const string MaterialField = "kms-key-material";

    private const int MaxCached = 10_000;

    // Key rows for the security epoch they were read in: a change to a key bumps the epoch, so every instance reads it
    // again on the next request. Version rows hold only sealed material and never change but by a data-key rotation's
    // re-seal, after which the stale copy fails to open and is read again.
    private readonly ConcurrentDictionary<string, (long Epoch, KmsKeyRow Row)> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string KeyId, long Version), KmsKeyVersionRow> _versions = new();

    public async Task<KmsKeyDto> CreateAsync(Actor actor, AuditContext audit, CreateKmsKeyRequest request)
    {
        var access = await permissions.ForProjectAsync(actor, request.ProjectId);
        access.Require(PermissionAction.Create, ProjectSubject.Cmek);
        var now = UnixMs.Now(time);
        var row = new KmsKeyRow
        {
            Id = Ids.New(),
            OrgId = access.Project.OrgId,
            ProjectId = access.Project.Id,
            Name = request.Name,
            Description = request.Description,
            KeyUsage = request.KeyUsage,
            Algorithm = request.Algorithm,
            Version = 1,
            MinDecryptionVersion = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var (material, publicKey) = NewMaterial(request.KeyUsage, request.Algorithm);
        try
        {
            await keyRing.WithSealingKeysAsync(row.ProjectId, keys => db.WriteAsync(async (conn, tx) =>
            {
                try
                {
                    await KmsStore.InsertKeyAsync(conn, tx, row);
                }
                catch (Exception ex) when (UniqueViolation.Is(ex))
                {
                    throw new BadRequestException($"A KMS key with the name \"{row.Name}\" already exists for the project with ID \"{row.ProjectId}\"");
                }
                await InsertVersionAsync(conn, tx, keys, row, 1, material, publicKey, now);
                await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-cmek", new JsonObject
                {
                    ["keyId"] = row.Id,
                    ["name"] = row.Name,
                    ["description"] = row.Description,
                    ["encryptionAlgorithm"] = row.Algorithm,
                }, row.OrgId, row.ProjectId), now);
                return 0;
            }));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
        return KmsKeyDto.From(row);
    }

    public async Task<KmsKeyDto> GetAsync(Actor actor, AuditContext audit, string keyId)
    {
        var key = await KeyForAsync(actor, keyId, PermissionAction.Read, requireEnabled: false);
        Audit(audit, key, "get-cmek", new JsonObject { ["keyId"] = key.Id });
        return KmsKeyDto.From(key);
    }

    public async Task<KmsKeyDto> GetByNameAsync(Actor actor, AuditContext audit, string projectId, string name)
    {
        var found = await db.ReadAsync(conn => KmsStore.FindByNameAsync(conn, projectId, name));
        if (found is null || found.OrgId != actor.OrgId)
            throw new NotFoundException($"Key with name \"{name}\" not found for project with ID \"{projectId}\"");
        (await permissions.ForProjectAsync(actor, found.ProjectId)).Require(PermissionAction.Read, ProjectSubject.Cmek);
        Audit(audit, found, "get-cmek", new JsonObject { ["keyId"] = found.Id });
        return KmsKeyDto.From(found);
    }

    public async Task<(IReadOnlyList<KmsKeyDto> Keys, long Total)> ListAsync(Actor actor, AuditContext audit, string projectId, string? search,
        bool descending, int offset, int limit)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Cmek);
        var (keys, total) = await db.ReadAsync(conn => KmsStore.ListAsync(conn, access.Project.Id, search, descending, offset, limit));
        auditBatcher.Enqueue(audit, new AuditEvent("get-cmeks", new JsonObject
        {
            ["keyIds"] = new JsonArray([.. keys.Select(k => (JsonNode)k.Id)]),
        }, access.Project.OrgId, access.Project.Id));
        return ([.. keys.Select(KmsKeyDto.From)], total);
    }

    public async Task<KmsKeyDto> UpdateAsync(Actor actor, AuditContext audit, string keyId, string? name, string? description, bool? isDisabled)
    {
        var key = await KeyForAsync(actor, keyId, PermissionAction.Edit, requireEnabled: false);
        var now = UnixMs.Now(time);
        var updated = await db.WriteAsync(async (conn, tx) =>
        {
            var current = await KmsStore.FindAsync(conn, keyId, tx) ?? throw NotFound(keyId);
            try
            {
                await KmsStore.UpdateAsync(conn, tx, keyId, name ?? current.Name, description ?? current.Description, isDisabled ?? current.IsDisabled, now);
            }
            catch (Exception ex) when (UniqueViolation.Is(ex))
            {
                throw new BadRequestException($"A KMS key with the name \"{name}\" already exists for the project with ID \"{key.ProjectId}\"");
            }
            var metadata = new JsonObject { ["keyId"] = keyId };
            if (name is not null) metadata["name"] = name;
            if (description is not null) metadata["description"] = description;
            if (isDisabled is not null) metadata["isDisabled"] = isDisabled;
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-cmek", metadata, key.OrgId, key.ProjectId), now);
            await SecurityEpoch.BumpAsync(conn, tx);
            return await KmsStore.FindAsync(conn, keyId, tx);
        });
        return KmsKeyDto.From(updated!);
    }

    public async Task<KmsKeyDto> DeleteAsync(Actor actor, AuditContext audit, string keyId)
    {
        var key = await KeyForAsync(actor, keyId, PermissionAction.Delete, requireEnabled: false);
        var now = UnixMs.Now(time);
        await db.WriteAsync(async (conn, tx) =>
        {
            await KmsStore.DeleteAsync(conn, tx, keyId);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("delete-cmek", new JsonObject { ["keyId"] = keyId }, key.OrgId, key.ProjectId), now);
        });
        return KmsKeyDto.From(key);
    }

    public async Task<string> EncryptAsync(Actor actor, AuditContext audit, string keyId, byte[] plaintext)
    {
        var key = await KeyForAsync(actor, keyId, "encrypt", requireEnabled: true);
        RequireUsage(key, KmsAlgorithms.EncryptDecrypt, "encryption");
        var ciphertext = await WithMaterialAsync(key, key.Version, material => KmsCrypto.Encrypt(material, key.Version, plaintext));
        Audit(audit, key, "cmek-encrypt", new JsonObject { ["keyId"] = key.Id });
        return Convert.ToBase64String(ciphertext);
    }

    public async Task<string> DecryptAsync(Actor actor, AuditContext audit, string keyId, byte[] ciphertext)
    {
        var key = await KeyForAsync(actor, keyId, "decrypt", requireEnabled: true);
        RequireUsage(key, KmsAlgorithms.EncryptDecrypt, "encryption");
        var plaintext = await OpenAsync(key, ciphertext);
        try
        {
            Audit(audit, key, "cmek-decrypt", new JsonObject { ["keyId"] = key.Id });
            return Convert.ToBase64String(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Infisical's rotation: a new version; what the key encrypted before still decrypts. Coffer rotates signing keys too
    /// (Infisical refuses): new signatures use the new version, and signatures of every version still verify.
    /// </summary>
    public async Task<KmsKeyDto> RotateAsync(Actor actor, AuditContext audit, string keyId)
    {
        var key = await KeyForAsync(actor, keyId, PermissionAction.Edit, requireEnabled: true);
        var (material, publicKey) = NewMaterial(key.KeyUsage, key.Algorithm);
        var now = UnixMs.Now(time);
        try
        {
            var rotated = await keyRing.WithSealingKeysAsync(key.ProjectId, keys => db.WriteAsync(async (conn, tx) =>
            {
                // Locked on PostgreSQL: two rotations at once make two versions, not one number twice.
                var current = await KmsStore.FindAsync(conn, keyId, tx) ?? throw NotFound(keyId);
                var version = current.Version + 1;
                await InsertVersionAsync(conn, tx, keys, current, version, material, publicKey, now);
                await KmsStore.SetVersionAsync(conn, tx, keyId, version, now);
                await SecurityEpoch.BumpAsync(conn, tx);
                await AuditLogStore.WriteAsync(conn, tx, audit,
                    new AuditEvent("rotate-cmek", new JsonObject { ["keyId"] = keyId, ["version"] = version }, key.OrgId, key.ProjectId), now);
                return (await KmsStore.FindAsync(conn, keyId, tx))!;
            }));
            return KmsKeyDto.From(rotated);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>
    /// Coffer's own (Vault's <c>min_decryption_version</c>): ciphertexts and signatures of older versions stop decrypting
    /// and verifying. Raising it is reversible (the older material is kept); it cannot pass the newest version.
    /// </summary>
    public async Task<MinDecryptionVersionResponse> SetMinDecryptionVersionAsync(Actor actor, AuditContext audit, string keyId, long version)
    {
        var key = await KeyForAsync(actor, keyId, PermissionAction.Edit, requireEnabled: false);
        var now = UnixMs.Now(time);
        var updated = await db.WriteAsync(async (conn, tx) =>
        {
            var current = await KmsStore.FindAsync(conn, keyId, tx) ?? throw NotFound(keyId);
            if (version > current.Version)
                throw new BadRequestException($"The minimum decryption version cannot be above the key's newest version ({current.Version})");
            await KmsStore.SetMinDecryptionVersionAsync(conn, tx, keyId, version, now);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-cmek-min-decryption-version",
                new JsonObject { ["keyId"] = keyId, ["minDecryptionVersion"] = version }, key.OrgId, key.ProjectId), now);
            return (await KmsStore.FindAsync(conn, keyId, tx))!;
        });
        return new MinDecryptionVersionResponse(KmsKeyDto.From(updated), updated.MinDecryptionVersion);
    }

    /// <summary>Coffer's own (Vault's rewrap): the ciphertext under the newest version; the plaintext never reaches the caller.</summary>
    public async Task<string> RewrapAsync(Actor actor, AuditContext audit, string keyId, byte[] ciphertext)
    {
        var key = await KeyForAsync(actor, keyId, "decrypt", requireEnabled: true);
        (await permissions.ForProjectAsync(actor, key.ProjectId)).Require("encrypt", ProjectSubject.Cmek);
        RequireUsage(key, KmsAlgorithms.EncryptDecrypt, "encryption");
        var plaintext = await OpenAsync(key, ciphertext);
        try
        {
            var rewrapped = await WithMaterialAsync(key, key.Version, material => KmsCrypto.Encrypt(material, key.Version, plaintext));
            Audit(audit, key, "cmek-rewrap", new JsonObject { ["keyId"] = key.Id, ["version"] = key.Version });
            return Convert.ToBase64String(rewrapped);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public async Task<SignResponse> SignAsync(Actor actor, AuditContext audit, string keyId, string signingAlgorithm, byte[] data, bool isDigest)
    {
        var key = await SigningKeyForAsync(actor, keyId, "sign", signingAlgorithm);
        var signature = await WithMaterialAsync(key, key.Version, material => KmsSigning.Sign(key.Algorithm, material, signingAlgorithm, data, isDigest))
            ?? throw new BadRequestException(key.Algorithm == KmsAlgorithms.EccNistEdwards25519
                ? $"{signingAlgorithm} signs the message itself: send the data with isDigest false"
                : $"Failed to sign {(key.Algorithm == KmsAlgorithms.Rsa4096 ? "RSA" : "ECC")} digest with {signingAlgorithm} due to signing error. " +
                  $"Ensure that your digest is hashed with {KmsSigning.DigestName(signingAlgorithm)}.");
        var encoded = Convert.ToBase64String(signature);
        Audit(audit, key, "cmek-sign", new JsonObject { ["keyId"] = key.Id, ["signingAlgorithm"] = signingAlgorithm, ["signature"] = encoded });
        return new SignResponse(encoded, key.Id, signingAlgorithm);
    }

    /// <summary>Valid when any version from the minimum decryption version on made it (one version until a rotation).</summary>
    public async Task<VerifyResponse> VerifyAsync(Actor actor, AuditContext audit, string keyId, string signingAlgorithm, byte[] data, byte[] signature,
        bool isDigest)
    {
        var key = await SigningKeyForAsync(actor, keyId, "verify", signingAlgorithm);
        var publicKeys = await db.ReadAsync(conn => KmsStore.PublicKeysAsync(conn, key.Id, key.MinDecryptionVersion));
        var valid = publicKeys.Any(p => KmsSigning.Verify(key.Algorithm, p.PublicKey, signingAlgorithm, data, signature, isDigest));
        Audit(audit, key, "cmek-verify", new JsonObject
        {
            ["keyId"] = key.Id,
            ["signatureValid"] = valid,
            ["signingAlgorithm"] = signingAlgorithm,
            ["signature"] = Convert.ToBase64String(signature),
        });
        return new VerifyResponse(valid, key.Id, signingAlgorithm);
    }

    /// <summary>The newest version's public key, DER SubjectPublicKeyInfo in base64 (as Infisical).</summary>
    public async Task<string> PublicKeyAsync(Actor actor, AuditContext audit, string keyId)
    {
        var key = await KeyForAsync(actor, keyId, PermissionAction.Read, requireEnabled: true);
        RequireUsage(key, KmsAlgorithms.SignVerify, "signing");
        var row = await db.ReadAsync(conn => KmsStore.FindVersionAsync(conn, key.Id, key.Version)) ?? throw NotFound(keyId);
        Audit(audit, key, "cmek-get-public-key", new JsonObject { ["keyId"] = key.Id, ["keyName"] = key.Name });
        return Convert.ToBase64String(row.PublicKey!);
    }

    public async Task<string[]> SigningAlgorithmsAsync(Actor actor, AuditContext audit, string keyId)
    {
        var key = await KeyForAsync(actor, keyId, PermissionAction.Read, requireEnabled: true);
        RequireUsage(key, KmsAlgorithms.SignVerify, "signing");
        Audit(audit, key, "cmek-list-signing-algorithms", new JsonObject { ["keyId"] = key.Id });
        return KmsSigning.AlgorithmsFor(key.Algorithm);
    }

    private async Task<KmsKeyRow> SigningKeyForAsync(Actor actor, string keyId, string action, string signingAlgorithm)
    {
        var key = await KeyForAsync(actor, keyId, action, requireEnabled: true);
        RequireUsage(key, KmsAlgorithms.SignVerify, "signing");
        if (!KmsSigning.AlgorithmsFor(key.Algorithm).Contains(signingAlgorithm))
            throw new BadRequestException($"KMS {key.Algorithm} key cannot be used with {signingAlgorithm}");
        return key;
    }

    /// <summary>The key, for an actor allowed <paramref name="action"/> on it; a key of another organization does not exist.</summary>
    private async Task<KmsKeyRow> KeyForAsync(Actor actor, string keyId, string action, bool requireEnabled)
    {
        var key = await FindKeyAsync(actor, keyId);
        if (key is null || key.OrgId != actor.OrgId) throw NotFound(keyId);
        (await permissions.ForProjectAsync(actor, key.ProjectId)).Require(action, ProjectSubject.Cmek);
        if (requireEnabled && key.IsDisabled) throw new BadRequestException("Key is disabled");
        return key;
    }

    private async Task<KmsKeyRow?> FindKeyAsync(Actor actor, string keyId)
    {
        if (actor.Epoch != 0 && _keys.TryGetValue(keyId, out var cached) && cached.Epoch == actor.Epoch) return cached.Row;
        var key = await db.ReadAsync(conn => KmsStore.FindAsync(conn, keyId));
        if (key is not null && actor.Epoch != 0)
        {
            if (_keys.Count >= MaxCached) _keys.Clear();
            _keys[keyId] = (actor.Epoch, key);
        }
        return key;
    }

    private static void RequireUsage(KmsKeyRow key, string usage, string purpose)
    {
        if (key.KeyUsage != usage) throw new BadRequestException($"Key with ID '{key.Id}' is not intended for {purpose}");
    }

    private async Task<byte[]> OpenAsync(KmsKeyRow key, byte[] ciphertext)
    {
        var version = KmsCrypto.VersionOf(ciphertext) ?? throw InvalidCiphertext();
        if (version > key.Version) throw InvalidCiphertext();
        if (version < key.MinDecryptionVersion)
            throw new BadRequestException($"The ciphertext is of key version {version}, below the key's minimum decryption version ({key.MinDecryptionVersion})");
        return await WithMaterialAsync(key, version, material => KmsCrypto.Decrypt(material, version, ciphertext)) ?? throw InvalidCiphertext();
    }

    private static BadRequestException InvalidCiphertext() => new("The ciphertext is not valid for this key");

    /// <summary>Runs <paramref name="work"/> with one version's material, opened for it and zeroed after.</summary>
    private async Task<T> WithMaterialAsync<T>(KmsKeyRow key, long version, Func<byte[], T> work)
    {
        try
        {
            return await WithMaterialAsync(key, version, work, await VersionRowAsync(key.Id, version, fresh: false));
        }
        catch (Exception ex) when (ex is StaleKeyRingException or Crypto.DecryptionFailedException)
        {
            // The cached row was re-sealed by a data-key rotation since: read it again, once.
            return await WithMaterialAsync(key, version, work, await VersionRowAsync(key.Id, version, fresh: true));
        }
    }

    private async Task<KmsKeyVersionRow> VersionRowAsync(string keyId, long version, bool fresh)
    {
        if (!fresh && _versions.TryGetValue((keyId, version), out var cached)) return cached;
        var row = await db.ReadAsync(conn => KmsStore.FindVersionAsync(conn, keyId, version)) ?? throw InvalidCiphertext();
        if (_versions.Count >= MaxCached) _versions.Clear();
        _versions[(keyId, version)] = row;
        return row;
    }

    private async Task<T> WithMaterialAsync<T>(KmsKeyRow key, long version, Func<byte[], T> work, KmsKeyVersionRow row)
    {
        return await keyRing.WithKeysAsync(key.ProjectId, keys =>
        {
            if (keys is null) throw new InvalidOperationException($"Project {key.ProjectId} holds a KMS key but no data key.");
            var material = SecretCrypto.OpenBytes(keys.For(row.KeyVersion), key.ProjectId, key.Id, version, MaterialField, row.EncryptedValue);
            try
            {
                return Task.FromResult(work(material));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(material);
            }
        });
    }

    /// <summary>A symmetric key, or a signing key's private half (PKCS#8) with its public half (SPKI).</summary>
    private static (byte[] Material, byte[]? PublicKey) NewMaterial(string usage, string algorithm) =>
        usage == KmsAlgorithms.SignVerify ? KmsSigning.NewKey(algorithm) : (KmsCrypto.NewSymmetricKey(algorithm), null);

    private static async Task InsertVersionAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, ProjectKeys keys, KmsKeyRow key,
        long version, byte[] material, byte[]? publicKey, long now)
    {
        var sealedMaterial = SecretCrypto.SealBytes(keys.Current, key.ProjectId, key.Id, version, MaterialField, material);
        await KmsStore.InsertVersionAsync(conn, tx, key.Id, key.ProjectId, version, keys.CurrentVersion, sealedMaterial, publicKey, now);
        // As a secret write: a data-key rotation started meanwhile either re-seals this row or makes this write redo.
        await ProjectContentVersion.BumpAsync(conn, tx, key.ProjectId);
        await ProjectKeyRing.RequireCurrentAsync(conn, tx, keys);
    }

    /// <summary>Operations that change no key are audited off the request path, as secret reads are.</summary>
    private void Audit(AuditContext audit, KmsKeyRow key, string type, JsonObject metadata) =>
        auditBatcher.Enqueue(audit, new AuditEvent(type, metadata, key.OrgId, key.ProjectId));

    private static NotFoundException NotFound(string keyId) => new($"Key with ID \"{keyId}\" not found");
}
