using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Coffer.Server.Diagnostics;

/// <summary>
/// Coffer's own instruments (meter "Coffer.Server"), readable by dotnet-counters or any OpenTelemetry exporter. Labels
/// are closed sets (an outcome, an operation, a cache's name): never an id, a name or a value from a request.
/// </summary>
public static class CofferMetrics
{
    public const string MeterName = "Coffer.Server";

    /// <summary>The source of Coffer's own spans (database units), beside ASP.NET Core's request spans.</summary>
    public static readonly ActivitySource Traces = new(MeterName);

    private static readonly Meter Meter = new(MeterName);

    /// <summary>
    /// Client-secret hash comparisons. Every universal-auth login makes exactly one, whether or not the client id exists,
    /// which is what keeps client ids from being enumerated by timing.
    /// </summary>
    public static readonly Counter<long> ClientSecretVerifications =
        Meter.CreateCounter<long>("coffer.auth.client_secret_verifications", description: "Client-secret hash comparisons at login");

    public static readonly Counter<long> AuditRowsPruned =
        Meter.CreateCounter<long>("coffer.audit.rows_pruned", description: "Audit rows deleted past their retention");

    public static readonly Counter<long> Logins =
        Meter.CreateCounter<long>("coffer.auth.logins", description: "Universal-auth logins by outcome");

    public static readonly Counter<long> PermissionDenials =
        Meter.CreateCounter<long>("coffer.permission.denials", description: "Requests refused for want of a permission (403)");

    private static readonly Counter<long> SecretsRead =
        Meter.CreateCounter<long>("coffer.secrets.read", description: "Secrets returned to callers, values shown or hidden");

    private static readonly Counter<long> SecretsWritten =
        Meter.CreateCounter<long>("coffer.secrets.written", description: "Secrets created, updated or deleted, by operation");

    private static readonly Counter<long> CacheLookups =
        Meter.CreateCounter<long>("coffer.cache.lookups", description: "Lookups in Coffer's in-memory caches, by cache and result (hit or miss)");

    public static readonly Histogram<int> SqliteWriterBatchUnits = Meter.CreateHistogram<int>("coffer.sqlite.writer.batch_units",
        unit: "{unit}", description: "Write units committed together by the SQLite writer",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });

    public static readonly Histogram<double> SqliteWriterWait = Meter.CreateHistogram<double>("coffer.sqlite.writer.wait",
        unit: "ms", description: "Time a write unit waited in the SQLite writer's queue before it ran",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2, 5, 10, 20, 50, 100, 250, 1000] });

    public static readonly Counter<long> LeaseRevocations =
        Meter.CreateCounter<long>("coffer.dynamic_secrets.lease_revocations", description: "Dynamic-secret leases revoked at their provider, by outcome");

    public static void Read(long secrets)
    {
        if (secrets > 0) SecretsRead.Add(secrets);
    }

    public static void Written(string operation, long secrets)
    {
        if (secrets > 0) SecretsWritten.Add(secrets, new KeyValuePair<string, object?>("operation", operation));
    }

    public static void CacheLookup(string cache, bool hit) =>
        CacheLookups.Add(1, new KeyValuePair<string, object?>("cache", cache), new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    /// <summary>A gauge read at each collection, for a value one instance holds (a queue's length).</summary>
    public static ObservableGauge<int> Gauge(IMeterFactory meters, string name, string description, Func<int> read) =>
        meters.Create(MeterName).CreateObservableGauge(name, read, description: description);
}
