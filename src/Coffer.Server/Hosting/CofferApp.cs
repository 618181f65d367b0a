using Coffer.Server.Configuration;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Data.Migrations;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AdditionalPrivileges;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.AwsAuth;
using Coffer.Server.Features.Bootstrap;
using Coffer.Server.Features.DataKeyRotation;
using Coffer.Server.Features.DynamicSecrets;
using Coffer.Server.Features.Environments;
using Coffer.Server.Features.Events;
using Coffer.Server.Features.Folders;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.IdentityMemberships;
using Coffer.Server.Features.Invitations;
using Coffer.Server.Features.JwtAuth;
using Coffer.Server.Features.Kms;
using Coffer.Server.Features.KubernetesAuth;
using Coffer.Server.Features.LdapAuth;
using Coffer.Server.Features.OidcAuth;
using Coffer.Server.Features.OrgAdmin;
using Coffer.Server.Features.Organizations;
using Coffer.Server.Features.OrgUserMemberships;
using Coffer.Server.Features.Projects;
using Coffer.Server.Features.Roles;
using Coffer.Server.Features.SecretImports;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Features.SecretTags;
using Coffer.Server.Features.Status;
using Coffer.Server.Features.TokenAuth;
using Coffer.Server.Features.UniversalAuth;
using Coffer.Server.Features.UserMemberships;
using Coffer.Server.Features.Users;
using Coffer.Server.Http;
using Coffer.Server.Http.RateLimiting;
using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;
using Coffer.Server.WebConsole;
using Microsoft.AspNetCore.DataProtection;

namespace Coffer.Server.Hosting;

/// <summary>Builds the web application: services, middleware in Infisical's order, and every feature's routes.</summary>
public static class CofferApp
{
    // Coffer is configured by environment variables (SettingsLoader); the framework's optional appsettings.json would
    // otherwise get an inotify watcher and its thread for a file that is never there.
    internal static readonly string[] NoConfigFileWatching = ["--hostBuilder:reloadConfigOnChange=false"];

    public static WebApplication Build(CofferOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Always Production to ASP.NET: Development would add its exception page ahead of our error middleware and slow every
            // request. Coffer's own dev mode (generated keys) is CofferOptions.IsProduction, independent of this.
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
            Args = NoConfigFileWatching,
        });
        ConfigureLogging(builder, options);
        builder.WebHost.UseUrls($"http://{(options.Host == "0.0.0.0" ? "*" : options.Host)}:{options.Port}");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });

        AddServices(builder.Services, options);
        Telemetry.Add(builder, options);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseRequestIds();
        app.UseMiddleware<ErrorMiddleware>();
        app.UseRouting();
        app.UseConsole();
        app.UseMiddleware<AuthMiddleware>();
        app.UseJsonBodies();
        app.UseMiddleware<RateLimitMiddleware>();

        MapRoutes(app);
        app.MapConsole();
        Telemetry.Map(app, options);
        ApiDocs.Map(app, () => ApiDocs.CreateHost(AddServices, MapRoutes, options));
        app.MapFallback("/api/{**path}", ErrorEnvelope.WriteRouteNotFoundAsync).WithMetadata(new JsonBody.RouteNotFoundMetadata()).WithoutRateLimit();
        return app;
    }

    /// <summary>Every service the routes need; also used by the host that builds the API document.</summary>
    internal static void AddServices(IServiceCollection services, CofferOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => CreateDb(options, sp.GetRequiredService<ILogger<Db>>()));
        services.AddSingleton<Migrator>();
        services.AddSingleton<ClientIp>();
        services.AddSingleton<RateLimitRoutes>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton(sp =>
        {
            var key = ServerKeys.LoadOrCreate(sp.GetRequiredService<Db>(), options.RootKey, KeyPurposes.AuthMethodCredentials);
            try
            {
                return CredentialCipher.FromKey(key);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
            }
        });
        // A random key kept wrapped in the database (not derived from the root key), so root-key rotation keeps client secrets valid.
        services.AddSingleton(sp =>
        {
            var key = ServerKeys.LoadOrCreate(sp.GetRequiredService<Db>(), options.RootKey, KeyPurposes.ClientSecretHmac);
            try
            {
                return new SecretHasher(key);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
            }
        });
        // The console's antiforgery tokens, sealed with a random key kept wrapped in the database (every instance shares it).
        services.AddSingleton(sp => SealingDataProtector.FromKey(() =>
            ServerKeys.LoadOrCreate(sp.GetRequiredService<Db>(), options.RootKey, KeyPurposes.ConsoleProtection)));
        services.AddConsole();
        services.AddSingleton<TokenSigner>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<IdentityLogins>();
        services.AddSingleton<TokenAuthenticator>();
        services.AddSingleton<UserService>();
        services.AddSingleton(new PasswordWork());
        services.AddSingleton<PermissionService>();
        services.AddSingleton<IdentityBoundary>();
        services.AddSingleton<AuditBatcher>();
        services.AddSingleton<AuditLogService>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditBatcher>());
        services.AddSingleton<IdentityAccess>();
        services.AddSingleton<AuthMethodConfigurations>();
        services.AddSingleton<IdentityService>();
        services.AddSingleton<UniversalAuthService>();
        services.AddSingleton<ClientSecretService>();
        services.AddSingleton<UniversalAuthLogin>();
        services.AddSingleton<TokenAuthService>();
        services.AddSingleton<AccessTokenService>();
        services.AddSingleton<BootstrapService>();
        services.AddSingleton<ProjectService>();
        services.AddSingleton<OrgAdminService>();
        services.AddSingleton<DataKeyRotationService>();
        services.AddHostedService<DataKeyRotationResumer>();
        services.AddSingleton<AuditRetentionPruner>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditRetentionPruner>());
        if (options.BackupIntervalMinutes > 0 && options.DatabaseUri is null) services.AddHostedService<PeriodicBackup>();
        services.AddSingleton<EnvironmentService>();
        services.AddSecrets();
        services.AddSingleton<MembershipService>();
        services.AddSingleton<ProjectRoleService>();
        services.AddSingleton<PrivilegeService>();
        services.AddSingleton<OrgService>();
        services.AddSingleton<ProjectIdentityService>();
        services.AddSingleton<UserMembershipService>();
        services.AddSingleton<InvitationService>();
        services.AddSingleton<OrgUserMembershipService>();
        services.AddSingleton<KmsService>();
        services.AddDynamicSecrets();
        services.AddJwtAuth();
        services.AddOidcAuth();
        services.AddKubernetesAuth();
        services.AddAwsAuth();
        services.AddLdapAuth();
        services.AddSingleton<RequestAuthenticator>();
        services.AddSingleton<ProjectEventHub>();
        services.AddSingleton<ImportedChanges>();
        services.AddSingleton<ProjectEventBus>();
        services.AddSingleton<EventService>();
        services.AddHostedService<ProjectEventListener>();
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
    }

    internal static void MapRoutes(IEndpointRouteBuilder app)
    {
        app.MapStatus();
        app.MapBootstrap();
        app.MapIdentities();
        app.MapOrganizations();
        app.MapProjectIdentities();
        app.MapUserMemberships();
        app.MapInvitations();
        app.MapOrgUserMemberships();
        app.MapKms();
        app.MapDynamicSecrets();
        app.MapJwtAuth();
        app.MapOidcAuth();
        app.MapKubernetesAuth();
        app.MapAwsAuth();
        app.MapLdapAuth();
        app.MapEvents();
        app.MapUniversalAuth();
        app.MapTokenAuth();
        app.MapAccessTokens();
        app.MapServiceTokenDetails();
        app.MapUserAuth();
        app.MapProjects();
        app.MapOrgAdmin();
        app.MapDataKeyRotation();
        app.MapEnvironments();
        app.MapFolders();
        app.MapSecrets();
        app.MapSecretImports();
        app.MapSecretTags();
        app.MapIdentityMemberships();
        app.MapProjectRoles();
        app.MapAdditionalPrivileges();
        app.MapAuditLogs();
    }

    /// <summary>Applies migrations, then serves until stopped.</summary>
    public static async Task RunAsync(WebApplication app)
    {
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        await app.RunAsync();
    }

    private static Db CreateDb(CofferOptions options, ILogger<Db> logger) =>
        options.DatabaseUri is null
            ? Db.ForSqlite(options.SqlitePath, logger)
            : Db.ForPostgres(PostgresConnection.Build(options), logger);

    private static void ConfigureLogging(WebApplicationBuilder builder, CofferOptions options)
    {
        builder.Logging.ClearProviders();
        if (options.IsProduction) builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
        else builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // Its one message is "Hosting failed to start" with a stack trace; ServerCommands reports start-up failures in words.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
    }
}
