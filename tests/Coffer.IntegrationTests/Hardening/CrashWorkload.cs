using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Hardening;

/// <summary>
/// The crash test's write loop: concurrent writers creating, updating and deleting secrets (one at a time and in
/// batches), creating identities and adding them to the project, and creating projects, through the API, until the
/// server dies under them. Every answer is recorded in the <see cref="WriteLedger"/>: a 200 is a promise that the
/// write is durable; a request cut off by the kill may or may not have committed. After a restart,
/// <see cref="VerifyAsync"/> reads everything back through the API and holds the server to those promises.
/// </summary>
public sealed class CrashWorkload(WriteLedger ledger, string orgId, string projectId, string token, int writers)
{
    private const string Prefix = "crash-";
    private readonly List<Tracked>[] _owned = Enumerable.Range(0, writers).Select(_ => new List<Tracked>()).ToArray();
    private volatile bool _killing;

    /// <summary>Requests failing from now on failed because of the kill, not because of the server.</summary>
    public void Killing() => _killing = true;

    /// <summary>Runs the writers against <paramref name="api"/> until the server stops answering.</summary>
    public Task RunAsync(Api api, int seed, int cycle)
    {
        _killing = false;
        return Task.WhenAll(Enumerable.Range(0, writers).Select(w =>
            Task.Run(() => WriterAsync(api, new Random(HashCode.Combine(seed, cycle, w)), cycle, w))));
    }

    private async Task WriterAsync(Api api, Random rng, int cycle, int writer)
    {
        for (var n = 1; ; n++)
        {
            var name = $"C{cycle}_W{writer}_{n}";
            var roll = rng.Next(100);
            var alive = roll switch
            {
                < 45 => await CreateSecretAsync(api, writer, name),
                < 60 => await UpdateSecretAsync(api, rng, writer),
                < 70 => await DeleteSecretAsync(api, rng, writer),
                < 82 => await CreateBatchAsync(api, writer, name),
                < 95 => await CreateIdentityAsync(api, name),
                _ => await CreateProjectAsync(api, name),
            };
            if (!alive) return;
        }
    }

    private async Task<bool> CreateSecretAsync(Api api, int writer, string name)
    {
        var secret = ledger.Add(TrackedKind.Secret, name);
        _owned[writer].Add(secret);
        var value = $"{name}#1";
        return await WriteAsync(() => api.PostAsync($"/api/v4/secrets/{name}", new { projectId, environment = "dev", secretValue = value }, token),
            (secret, value)) is not null;
    }

    private async Task<bool> UpdateSecretAsync(Api api, Random rng, int writer)
    {
        if (Pick(rng, writer) is not { } secret) return true;
        var version = int.Parse(secret.Known![(secret.Known!.IndexOf('#') + 1)..], System.Globalization.CultureInfo.InvariantCulture) + 1;
        var value = $"{secret.Name}#{version}";
        return await WriteAsync(() => api.PatchAsync($"/api/v4/secrets/{secret.Name}", new { projectId, environment = "dev", secretValue = value }, token),
            (secret, value)) is not null;
    }

    private async Task<bool> DeleteSecretAsync(Api api, Random rng, int writer)
    {
        if (Pick(rng, writer) is not { } secret) return true;
        return await WriteAsync(() => api.DeleteAsync($"/api/v4/secrets/{secret.Name}", token, new { projectId, environment = "dev" }),
            (secret, null)) is not null;
    }

    private async Task<bool> CreateBatchAsync(Api api, int writer, string name)
    {
        var secrets = Enumerable.Range(1, 3).Select(i => ledger.Add(TrackedKind.Secret, $"{name}_B{i}")).ToArray();
        _owned[writer].AddRange(secrets);
        var body = new
        {
            projectId,
            environment = "dev",
            secrets = secrets.Select(s => new { secretKey = s.Name, secretValue = $"{s.Name}#1" }).ToArray(),
        };
        return await WriteAsync(() => api.PostAsync("/api/v4/secrets/batch", body, token),
            [.. secrets.Select(s => (s, (string?)$"{s.Name}#1"))]) is not null;
    }

    private async Task<bool> CreateIdentityAsync(Api api, string name)
    {
        var identity = ledger.Add(TrackedKind.Identity, Prefix + name);
        var created = await WriteAsync(() => api.PostAsync("/api/v1/identities",
            new { name = identity.Name, organizationId = orgId, role = "no-access" }, token), (identity, "present"));
        if (created is null) return false;
        identity.Id = created.Json["identity"]!["id"]!.GetValue<string>();
        var membership = ledger.Add(TrackedKind.Membership, identity.Name);
        return await WriteAsync(() => api.PostAsync($"/api/v1/projects/{projectId}/memberships/identities/{identity.Id}",
            new { roles = new[] { new { role = "viewer" } } }, token), (membership, "viewer")) is not null;
    }

    private async Task<bool> CreateProjectAsync(Api api, string name)
    {
        var project = ledger.Add(TrackedKind.Project, Prefix + name);
        return await WriteAsync(() => api.PostAsync("/api/v1/projects", new { projectName = project.Name }, token), (project, "present")) is not null;
    }

    /// <summary>One of this writer's secrets whose state is known and present, or null.</summary>
    private Tracked? Pick(Random rng, int writer)
    {
        var candidates = _owned[writer].Where(s => s.IsKnown && s.Known is not null).ToList();
        return candidates.Count == 0 ? null : candidates[rng.Next(candidates.Count)];
    }

    /// <summary>Sends one write; its answer goes to the ledger. Null when the kill cut it off.</summary>
    private async Task<ApiResponse?> WriteAsync(Func<Task<ApiResponse>> send, params (Tracked Object, string? State)[] changes)
    {
        ApiResponse response;
        try
        {
            response = await send();
        }
        catch (Exception ex) when (_killing && ex is HttpRequestException or TaskCanceledException or IOException)
        {
            ledger.InDoubt(changes);
            return null;
        }
        if (response.Code != 200)
            throw new InvalidOperationException($"a write failed while the server was up: {response}");
        ledger.Ack(changes);
        return response;
    }

    /// <summary>Reads everything back through the restarted server's API; returns every broken promise.</summary>
    public async Task<List<string>> VerifyAsync(Api api)
    {
        var problems = new List<string>();
        var secrets = Map(await GetAsync(api, $"/api/v4/secrets?projectId={projectId}&environment=dev&secretPath=/"), "secrets",
            s => s["secretKey"]!.GetValue<string>(), s => s["secretValue"]!.GetValue<string>());
        problems.AddRange(ledger.CheckBatches(secrets));
        problems.AddRange(ledger.Reconcile(TrackedKind.Secret, secrets, _ => true));

        var identities = (await GetAsync(api, $"/api/v1/identities?orgId={orgId}&limit=20000"))["identities"]!.AsArray()
            .Select(i => i!["identity"]!).ToDictionary(i => i["name"]!.GetValue<string>(), i => i["id"]!.GetValue<string>());
        problems.AddRange(ledger.Reconcile(TrackedKind.Identity, identities.ToDictionary(kv => kv.Key, _ => "present"), IsOurs));
        foreach (var identity in ledger.All(TrackedKind.Identity))
            if (identities.TryGetValue(identity.Name, out var id)) identity.Id = id;

        var memberships = Map(await GetAsync(api, $"/api/v1/projects/{projectId}/identity-memberships?limit=20000"), "identityMemberships",
            m => m["identity"]!["name"]!.GetValue<string>(), m => m["roles"]!.AsArray().Single()!["role"]!.GetValue<string>());
        problems.AddRange(ledger.Reconcile(TrackedKind.Membership, memberships, IsOurs));

        // A project is there whole (its environments were written in the same transaction) or not at all.
        var projects = Map(await GetAsync(api, "/api/v1/projects"), "projects",
            p => p["name"]!.GetValue<string>(), p => p["environments"]!.AsArray().Count == 3 ? "present" : $"{p["environments"]!.AsArray().Count} environments");
        problems.AddRange(ledger.Reconcile(TrackedKind.Project, projects, IsOurs));
        return problems;
    }

    private static bool IsOurs(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);

    private async Task<JsonObject> GetAsync(Api api, string path)
    {
        var r = await api.GetAsync(path, token);
        if (r.Code != 200) throw new InvalidOperationException($"GET {path} after the restart: {r}");
        return r.Json;
    }

    private static Dictionary<string, string> Map(JsonObject body, string array, Func<JsonNode, string> key, Func<JsonNode, string> value) =>
        body[array]!.AsArray().ToDictionary(n => key(n!), n => value(n!));
}
