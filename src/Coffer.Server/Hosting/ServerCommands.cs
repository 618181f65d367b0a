using Coffer.Server.Data.Migrations;

namespace Coffer.Server.Hosting;

/// <summary><c>coffer-server [serve|migrate|rotate-root-key]</c>.</summary>
public static class ServerCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
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
                case "help" or "--help" or "-h":
                    Console.WriteLine("Usage: coffer-server [serve|migrate|rotate-root-key]");
                    return 0;
                default:
                    await Console.Error.WriteLineAsync($"coffer-server: unknown command '{command}'. Try: serve, migrate, rotate-root-key.");
                    return 2;
            }
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"coffer-server: {ex.Message}");
            return 2;
        }
        catch (Http.DatabaseUnavailableException)
        {
            // The reason is in the log line Db wrote; a stack trace would add nothing an operator can act on.
            await Console.Error.WriteLineAsync("coffer-server: the database cannot be reached (see DB_CONNECTION_URI); start it or check its address, and try again.");
            return 1;
        }
        catch (Npgsql.PostgresException ex)
        {
            // Wrong password, missing database, missing privilege: the server's own words name the fix.
            await Console.Error.WriteLineAsync($"coffer-server: PostgreSQL refused: {ex.SqlState} {ex.MessageText}");
            return 1;
        }
    }
}
