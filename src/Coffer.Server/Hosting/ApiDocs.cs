using Coffer.Server.Configuration;
using Coffer.Server.Http;
using Coffer.Server.Http.RateLimiting;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Coffer.Server.Hosting;

/// <summary>
/// Serves /api/docs/json from a host that exists only to describe the API: the first request builds it (the same
/// services and routes as the server, plus the OpenAPI generator) and generates the document once. A server that is
/// never asked for its document never loads the generator and MVC's API explorer (~3 MB of resident memory).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification =
    "Lives as long as the server; a SemaphoreSlim whose wait handle is never asked for holds nothing Dispose would free.")]
public sealed class ApiDocs(Func<WebApplication> createHost)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OpenApiDocument? _document;

    /// <summary>A host with the server's services and routes and the document generator; never started.</summary>
    public static WebApplication CreateHost(Action<IServiceCollection, CofferOptions> addServices, Action<IEndpointRouteBuilder> mapRoutes, CofferOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
            Args = CofferApp.NoConfigFileWatching,
        });
        builder.Logging.ClearProviders();
        addServices(builder.Services, options);
        builder.Services.AddOpenApi(DocumentName, OpenApiSetup.Configure);
        var host = builder.Build();
        // UseEndpoints is what hands the mapped routes to the routing services the generator reads; a started host
        // would do it on start.
        host.UseRouting();
        mapRoutes(host);
        host.UseEndpoints(_ => { });
        return host;
    }

    private const string DocumentName = "v1";

    /// <summary>OpenAPI 3.0 at /api/docs/json (Infisical's path) and an interactive reference at /api/docs.</summary>
    public static void Map(WebApplication app, Func<WebApplication> createDocsHost)
    {
        var docs = new ApiDocs(createDocsHost);
        app.MapGet("/api/docs/json", docs.WriteAsync).ExcludeFromDescription().WithoutRateLimit();
        app.MapScalarApiReference("/api/docs", o => o.WithOpenApiRoutePattern("/api/docs/json").WithTitle("Coffer API"))
            .ExcludeFromDescription().WithoutRateLimit();
    }


    public async Task WriteAsync(HttpContext context)
    {
        // One request at a time: the document is generated once, and its server entry is set per request before writing.
        await _gate.WaitAsync(context.RequestAborted);
        try
        {
            _document ??= await GenerateAsync(context.RequestAborted);
            var request = context.Request;
            _document.Servers = [new OpenApiServer { Url = $"{request.Scheme}://{request.Host}{request.PathBase}/" }];
            using var buffer = new MemoryStream();
            await _document.SerializeAsJsonAsync(buffer, OpenApiSpecVersion.OpenApi3_0, context.RequestAborted);
            context.Response.ContentType = "application/json;charset=utf-8";
            context.Response.ContentLength = buffer.Length;
            await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<OpenApiDocument> GenerateAsync(CancellationToken ct)
    {
        await using var host = createHost();
        var provider = host.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName);
        return await provider.GetOpenApiDocumentAsync(ct);
    }
}
