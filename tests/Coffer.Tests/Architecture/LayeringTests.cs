using Coffer.Server.Data;
using Coffer.Server.Features.UniversalAuth;

namespace Coffer.Tests.Architecture;

/// <summary>
/// Dependencies point one way (docs/architecture.md): Hosting → WebConsole → Features → Permissions → Http → Data → Diagnostics →
/// Configuration → Crypto → Errors; no layer uses one above it, and no lower layer uses a feature. Checked on the compiled server, so a fully
/// qualified name or a lambda counts as much as a <c>using</c> line.
/// </summary>
public sealed class LayeringTests
{
    private const string Root = "Coffer.Server.";

    // Lowest first: each layer and the namespaces above it that it must never use. Hosting is the composition root and
    // may use everything; features may use everything but it.
    public static TheoryData<string, string[]> Rules => new()
    {
        { "Errors", ["Configuration", "Crypto", "Diagnostics", "Data", "Http", "Permissions", "Features", "WebConsole", "Hosting"] },
        { "Crypto", ["Configuration", "Diagnostics", "Data", "Http", "Permissions", "Features", "WebConsole", "Hosting"] },
        { "Configuration", ["Diagnostics", "Data", "Http", "Permissions", "Features", "WebConsole", "Hosting"] },
        { "Diagnostics", ["Data", "Http", "Permissions", "Features", "WebConsole", "Hosting"] },
        { "Data", ["Http", "Permissions", "Features", "WebConsole", "Hosting"] },
        { "Http", ["Permissions", "Features", "WebConsole", "Hosting"] },
        { "Permissions", ["Features", "WebConsole", "Hosting"] },
        { "Features", ["WebConsole", "Hosting"] },
        // The console is a client of the features, as the API's endpoints are: it never reaches past their services.
        { "WebConsole", ["Data", "Hosting"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_lower_layer_uses_no_layer_above_it(string layer, string[] forbidden)
    {
        var violations = (
            from type in typeof(Db).Assembly.GetTypes()
            where type.DeclaringType is null && InLayer(type, layer)
            from used in TypeDependencies.WithNested(type).SelectMany(TypeDependencies.Of).Distinct()
            let usedLayer = LayerOf(used)
            where usedLayer is not null && forbidden.Contains(usedLayer)
            select $"{type.FullName} -> {used.FullName}").Distinct().Order().ToList();

        Assert.True(InLayerCount(layer) > 0, $"no types in layer {layer}: the rule checks nothing");
        Assert.True(violations.Count == 0, $"{layer} uses a layer above it:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public void In_features_only_stores_run_SQL()
    {
        var offenders = (
            from type in typeof(Db).Assembly.GetTypes()
            where type.DeclaringType is null && InLayer(type, "Features") && !type.Name.EndsWith("Store", StringComparison.Ordinal)
            // Dynamic-secret providers run the operator's own statements on the operator's database, not Coffer's SQL.
            where type.Namespace != typeof(Coffer.Server.Features.DynamicSecrets.Providers.SqlDatabaseProvider).Namespace
            from method in TypeDependencies.MethodsWithNested(type)
            from called in TypeDependencies.MembersNamedIn(method).OfType<System.Reflection.MethodBase>()
            where called.DeclaringType == typeof(Dapper.SqlMapper) || typeof(System.Data.Common.DbCommand).IsAssignableFrom(called.DeclaringType)
            select $"{type.FullName} -> {called.DeclaringType!.Name}.{called.Name}").Distinct().Order().ToList();

        Assert.True(offenders.Count == 0, $"SQL outside a store:\n{string.Join("\n", offenders)}");
    }

    [Fact]
    public void The_console_runs_no_SQL_and_opens_no_database()
    {
        var offenders = (
            from type in typeof(Db).Assembly.GetTypes()
            where type.DeclaringType is null && InLayer(type, "WebConsole")
            from method in TypeDependencies.MethodsWithNested(type)
            from called in TypeDependencies.MembersNamedIn(method).OfType<System.Reflection.MethodBase>()
            where called.DeclaringType == typeof(Dapper.SqlMapper) || called.DeclaringType == typeof(Db)
                || typeof(System.Data.Common.DbCommand).IsAssignableFrom(called.DeclaringType)
            select $"{type.FullName} -> {called.DeclaringType!.Name}.{called.Name}").Distinct().Order().ToList();

        Assert.True(InLayerCount("WebConsole") > 0, "no console types: the rule checks nothing");
        Assert.True(offenders.Count == 0, $"the console reaches the database itself:\n{string.Join("\n", offenders)}");
    }

    [Fact]
    public void The_scanner_sees_what_lambdas_and_async_state_machines_use()
    {
        // UniversalAuthLogin calls the store and the lockout store only inside an async lambda given to Db.WriteAsync.
        var used = TypeDependencies.WithNested(typeof(UniversalAuthLogin)).SelectMany(TypeDependencies.Of).ToHashSet();

        Assert.Contains(typeof(Db), used);
        Assert.Contains(typeof(UniversalAuthStore), used);
        Assert.Contains(typeof(LockoutStore), used);

        // ...and the Dapper call inside a store method, which the SQL rule above relies on seeing.
        var calls = TypeDependencies.MethodsWithNested(typeof(UniversalAuthStore)).SelectMany(TypeDependencies.MembersNamedIn);
        Assert.Contains(calls, m => m.DeclaringType == typeof(Dapper.SqlMapper));
    }

    private static int InLayerCount(string layer) => typeof(Db).Assembly.GetTypes().Count(t => InLayer(t, layer));

    private static bool InLayer(Type type, string layer) =>
        type.Namespace is { } ns && (ns == Root + layer || ns.StartsWith(Root + layer + ".", StringComparison.Ordinal));

    private static string? LayerOf(Type type)
    {
        if (type.Namespace is not { } ns || !ns.StartsWith(Root, StringComparison.Ordinal)) return null;
        var rest = ns[Root.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }
}
