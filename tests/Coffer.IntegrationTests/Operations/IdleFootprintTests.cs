using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// What a server on SQLite keeps out of memory until it is needed (bench/README.md, idle RSS): the PostgreSQL driver,
/// the OpenAPI generator with MVC's API explorer, and the XML stack Dapper's first use brings in. Loading any of them
/// at start-up again is a regression of a few MB each.
/// </summary>
public sealed class IdleFootprintTests
{
    [Fact]
    public async Task A_fresh_sqlite_server_loads_neither_npgsql_nor_the_openapi_generator_until_asked()
    {
        var dataDir = Directory.CreateTempSubdirectory("coffer-idle-").FullName;
        try
        {
            await using var server = await ServerProcess.StartAsync(ServerProcess.SharedEnvironment(databaseUri: null, dataDir));
            var idle = LoadedFiles(server.ProcessId);
            Assert.Contains("coffer-server.dll", idle);
            Assert.DoesNotContain("Npgsql.dll", idle);
            Assert.DoesNotContain("Microsoft.AspNetCore.Mvc.Core.dll", idle);
            Assert.DoesNotContain("Microsoft.AspNetCore.Mvc.ApiExplorer.dll", idle);
            Assert.DoesNotContain("System.Private.Xml.dll", idle);

            var docs = await server.Http.GetAsync(new Uri("/api/docs/json", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, docs.StatusCode);
            Assert.Equal("application/json; charset=utf-8", docs.Content.Headers.ContentType?.ToString());
            var document = JsonNode.Parse(await docs.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
            Assert.NotNull(document["paths"]!["/api/v1/projects/{projectId}/identity-memberships/{identityId}"]!["delete"]);
            Assert.Equal($"{server.BaseAddress.GetLeftPart(UriPartial.Authority)}/", document["servers"]![0]!["url"]!.GetValue<string>());
            Assert.Contains("Microsoft.AspNetCore.Mvc.ApiExplorer.dll", LoadedFiles(server.ProcessId));
            Assert.DoesNotContain("Npgsql.dll", LoadedFiles(server.ProcessId));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>File names of everything mapped into the process.</summary>
    private static HashSet<string> LoadedFiles(int pid) =>
        File.ReadLines($"/proc/{pid}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6)
            .Select(fields => Path.GetFileName(fields[5]))
            .ToHashSet(StringComparer.Ordinal);
}
