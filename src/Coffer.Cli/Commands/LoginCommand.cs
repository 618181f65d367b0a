using System.CommandLine;
using Coffer.Cli.Api;
using Coffer.Cli.Config;
using Coffer.Cli.Output;

namespace Coffer.Cli.Commands;

/// <summary>
/// <c>coffer login --method=universal-auth</c>: logs a machine identity in and saves the access
/// token for this server. Infisical's default method is a browser user login, which Coffer has
/// no counterpart for, so universal-auth is the default here.
/// </summary>
internal static class LoginCommand
{
    const string UniversalAuth = "universal-auth";

    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var method = new Option<string>("--method")
        {
            Description = "Login method. Coffer supports universal-auth (machine identity client id and secret).",
            DefaultValueFactory = _ => UniversalAuth,
            HelpName = "method",
        };
        var clientId = new Option<string?>("--client-id") { Description = "Client id of the universal auth (also INFISICAL_UNIVERSAL_AUTH_CLIENT_ID).", HelpName = "id" };
        var clientSecret = new Option<string?>("--client-secret") { Description = "Client secret of the universal auth (also INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET).", HelpName = "secret" };
        var plain = new Option<bool>("--plain") { Description = "Print only the access token, nothing else." };

        var command = new Command("login", "Log in with a machine identity and keep the access token for later commands")
        {
            method, clientId, clientSecret, plain,
        };
        command.WithExamples(
            "coffer login --method=universal-auth --client-id <id> --client-secret <secret> --domain https://coffer.example.com",
            "export INFISICAL_TOKEN=$(coffer login --method=universal-auth --client-id <id> --client-secret <secret> --silent --plain)",
            "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID=<id> INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET=<secret> coffer login");

        command.SetAction(async (parse, ct) =>
        {
            var chosen = parse.GetValue(method) ?? UniversalAuth;
            if (!string.Equals(chosen, UniversalAuth, StringComparison.OrdinalIgnoreCase))
            {
                throw new CliUserException(
                    $"Login method '{chosen}' is not supported by coffer.",
                    "Use --method=universal-auth with a machine identity's client id and secret.");
            }

            var id = FirstNonEmpty(parse.GetValue(clientId), context.Env(EnvNames.ClientId))
                ?? throw new CliUserException("Please provide client-id.", "Pass --client-id or set INFISICAL_UNIVERSAL_AUTH_CLIENT_ID.");
            var secret = FirstNonEmpty(parse.GetValue(clientSecret), context.Env(EnvNames.ClientSecret))
                ?? throw new CliUserException("Please provide client-secret.", "Pass --client-secret or set INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET.");

            var session = CommandSession.From(context, parse, globals);
            using var transport = session.CreateTransport();
            AccessTokenResponse login;
            await using (Spinner.Start(context.Console, session.Silent, "Logging in…"))
            {
                login = await new CofferApiClient(transport, null).LoginUniversalAuthAsync(id, secret, ct);
            }

            session.Store.Save(session.ApiBase, StoredToken.FromServer(login.AccessToken, login.ExpiresIn, login.AccessTokenMaxTtl, context.Time.GetUtcNow(), id));

            var output = context.Console.Out;
            if (parse.GetValue(plain))
            {
                await output.WriteLineAsync(login.AccessToken);
                return 0;
            }

            await output.WriteLineAsync(">>>> Successfully authenticated with universal auth!");
            await output.WriteLineAsync();
            await output.WriteLineAsync("Access Token:");
            await output.WriteLineAsync(login.AccessToken);
            await output.WriteLineAsync();
            await output.WriteLineAsync("You can use this access token to authenticate through other commands in the CLI.");
            if (!session.Silent)
            {
                await context.Console.Error.WriteLineAsync($"The token is saved in {session.Store.Path} for {session.ApiBase}.");
            }

            return 0;
        });
        return command;
    }

    static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}

/// <summary><c>coffer logout</c>: forgets the token saved for this server.</summary>
internal static class LogoutCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var command = new Command("logout", "Forget the access token saved by `coffer login` for this server");
        command.WithExamples("coffer logout", "coffer logout --domain https://coffer.example.com");
        command.SetAction(parse =>
        {
            var session = CommandSession.From(context, parse, globals);
            var removed = session.Store.Remove(session.ApiBase);
            if (!session.Silent)
            {
                context.Console.Error.WriteLine(removed ? $"Logged out of {session.ApiBase}." : $"You were not logged in to {session.ApiBase}.");
            }

            return 0;
        });
        return command;
    }
}
