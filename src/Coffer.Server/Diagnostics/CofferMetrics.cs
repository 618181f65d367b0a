using System.Diagnostics.Metrics;

namespace Coffer.Server.Diagnostics;

/// <summary>Coffer's own instruments (meter "Coffer.Server"), readable by dotnet-counters or any OpenTelemetry exporter.</summary>
public static class CofferMetrics
{
    public const string MeterName = "Coffer.Server";

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
}
