using Coffer.Server.Configuration;
using Coffer.Server.Data.Migrations;

namespace Coffer.Server.Hosting;

/// <summary><c>coffer-server [serve|migrate|rotate-root-key|backup|restore]</c>.</summary>
public static class ServerCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
        // Help and version need no settings, no keys and no database: answered before anything is loaded.
        if (args.Length > 0 && args[0] is "help" or "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (args.Length > 0 && args[0] is "--version" or "version")
        {
            Console.WriteLine($"coffer-server {Version}");
            return 0;
        }
        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
        if (args.Length > 0 && args[0].StartsWith('-'))
        {
            await Console.Error.WriteLineAsync($"coffer-server: unknown option '{args[0]}'. Try: coffer-server --help.");
            return 2;
        }
        CofferOptions options;
        try
        {
            options = SettingsLoader.Load(SettingsLoader.FromProcessEnvironment(), Console.Error.WriteLine);
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"coffer-server: {ex.Message}");
            return 2;
        }

        // Every command that writes the SQLite database takes the lock; a backup only reads one snapshot beside the
        // server, and "help" and unknown commands open nothing.
        var needsLock = options.DatabaseUri is null && command is "serve" or "migrate" or "rotate-root-key" or "restore";
        using var sqliteLock = needsLock ? SqliteProcessLock.TryAcquire(options.SqlitePath) : null;
        if (needsLock && sqliteLock is null)
        {
            await Console.Error.WriteLineAsync(
                $"coffer-server: the SQLite database {options.SqlitePath} is in use by another coffer-server process. " +
                "SQLite serves one process: stop the other one, or use PostgreSQL (DB_CONNECTION_URI) to run several.");
            return 1;
        }

        try
        {
            switch (command)
            {
                case "serve":
                    await CofferApp.RunAsync(CofferApp.Build(options));
                    return 0;
                case "migrate":
                    {
                        await using var app = CofferApp.Build(options);
                        var applied = await app.Services.GetRequiredService<Migrator>().MigrateAsync();
                        Console.WriteLine($"Database is at schema version {Migrator.LatestId} ({applied} migration(s) applied).");
                        return 0;
                    }
                case "rotate-root-key":
                    return await RotateRootKeyAsync(options);
                case "backup" or "restore":
                    return await BackupOrRestoreAsync(command, args.Skip(1).ToArray(), options);
                default:
                    await Console.Error.WriteLineAsync($"coffer-server: unknown command '{command}'. Try: serve, migrate, rotate-root-key, backup, restore.");
                    return 2;
            }
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"coffer-server: {ex.Message}");
            return 2;
        }
        catch (DatabaseUnavailableException)
        {
            // The reason is in the log line Db wrote; a stack trace would add nothing an operator can act on.
            await Console.Error.WriteLineAsync("coffer-server: the database cannot be reached (see DB_CONNECTION_URI); start it or check its address, and try again.");
            return 1;
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await Console.Error.WriteLineAsync(
                $"coffer-server: cannot listen on {options.Host}:{options.Port}: another process is using that port. Stop it, or set PORT to a free one.");
            return 1;
        }
        catch (Exception ex) when (Data.PostgresEngine.Owns(ex) && Data.PostgresEngine.ServerRefusal(ex) is { } refusal)
        {
            // Wrong password, missing database, missing privilege: the server's own words name the fix.
            await Console.Error.WriteLineAsync($"coffer-server: PostgreSQL refused: {refusal}");
            return 1;
        }
    }

    /// <summary>The release, from the assembly's informational version (without the source revision suffix).</summary>
    public static string Version =>
        (typeof(ServerCommands).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    private static string Usage => string.Join('\n',
        "Usage: coffer-server [command]",
        "",
        "Commands:",
        "  serve            run the server (the default); settings come from the environment (docs/configuration.md)",
        "  migrate          apply pending database migrations and exit",
        $"  rotate-root-key  rewrap every data key from the current root key to {RootKeyRotation.NewKeyVariable} (stop all servers first)",
        "  backup <file>    copy the SQLite database to <file> while the server runs (0600; never contains the root key); --force replaces <file>",
        "  restore <file>   put a backup in place of the SQLite database (server stopped); --force replaces a database",
        "  help, --help     print this and exit",
        "  --version        print the release and exit");

    private static async Task<int> BackupOrRestoreAsync(string command, string[] rest, CofferOptions options)
    {
        var force = rest.Contains("--force", StringComparer.Ordinal);
        var files = rest.Where(a => a != "--force").ToArray();
        if (files.Length != 1 || files[0].StartsWith('-'))
        {
            await Console.Error.WriteLineAsync($"coffer-server: usage: coffer-server {command} <file> [--force]");
            return 2;
        }
        if (options.DatabaseUri is not null)
        {
            await Console.Error.WriteLineAsync(
                $"coffer-server: {command} is for the embedded SQLite database; this server uses PostgreSQL (DB_CONNECTION_URI): " +
                "use pg_dump and pg_restore (docs/operations.md).");
            return 2;
        }
        try
        {
            if (command == "backup")
            {
                var made = SqliteBackup.Backup(options.SqlitePath, files[0], force, TimeProvider.System);
                Console.WriteLine(
                    $"Backed up {options.SqlitePath} (schema version {made.SchemaVersion}) to {Path.GetFullPath(files[0])} at {made.CreatedAt:O}. " +
                    "It does not contain ROOT_ENCRYPTION_KEY and cannot be read without it: keep the key, apart from the backup.");
            }
            else
            {
                var restored = SqliteBackup.Restore(files[0], options.SqlitePath, force);
                Console.WriteLine(
                    $"Restored {options.SqlitePath} from a backup of {restored.CreatedAt:O} (schema version {restored.SchemaVersion}). " +
                    "Start coffer-server with the ROOT_ENCRYPTION_KEY the backup was made under.");
            }
            return 0;
        }
        catch (BackupException ex)
        {
            await Console.Error.WriteLineAsync($"coffer-server: {command} refused: {ex.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Rewraps every data key under <c>NEW_ROOT_ENCRYPTION_KEY</c>. The current key comes from the usual variables.
    /// Run it with every server stopped; then start them with the new key as <c>ROOT_ENCRYPTION_KEY</c>.
    /// </summary>
    private static async Task<int> RotateRootKeyAsync(CofferOptions options)
    {
        var value = Environment.GetEnvironmentVariable(RootKeyRotation.NewKeyVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            await Console.Error.WriteLineAsync(
                $"coffer-server: rotate-root-key needs the new root key in {RootKeyRotation.NewKeyVariable} (base64 of 32 bytes; `openssl rand -base64 32`).");
            return 2;
        }
        Crypto.RootKey next;
        try
        {
            next = Crypto.RootKey.FromRootEncryptionKey(value);
        }
        catch (Crypto.KeyConfigurationException)
        {
            await Console.Error.WriteLineAsync($"coffer-server: {RootKeyRotation.NewKeyVariable} must be the base64 encoding of exactly 32 bytes.");
            return 2;
        }
        using var _ = next;
        if (next.KeyId == options.RootKey.KeyId)
        {
            await Console.Error.WriteLineAsync($"coffer-server: {RootKeyRotation.NewKeyVariable} is the current root key; nothing to rotate.");
            return 2;
        }
        await using var app = CofferApp.Build(options);
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        var result = await RootKeyRotation.RunAsync(app.Services.GetRequiredService<Data.Db>(), options.RootKey, next, TimeProvider.System);
        Console.WriteLine(
            $"Rewrapped {result.DataKeys} project data key(s) and {result.ServerKeys} server key(s) from root key {options.RootKey.KeyId} to {next.KeyId}. " +
            $"Start the servers with ROOT_ENCRYPTION_KEY set to the value of {RootKeyRotation.NewKeyVariable}.");
        return 0;
    }
}
