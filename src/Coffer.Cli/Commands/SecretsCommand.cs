using System.CommandLine;
using Coffer.Cli.Api;
using Coffer.Cli.Formats;
using Coffer.Cli.Output;
using Coffer.Cli.Secrets;

namespace Coffer.Cli.Commands;

/// <summary><c>coffer secrets</c> and its <c>get</c>, <c>set</c>, <c>delete</c> and <c>folders</c> subcommands.</summary>
internal static class SecretsCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        // Infisical makes --env persistent on `secrets`, so `secrets get --env prod` and
        // `secrets folders create --env prod` share it.
        var env = CommonOptions.Env();
        env.Recursive = true;
        var tags = CommonOptions.Tags();

        var token = CommonOptions.Token();
        var projectId = CommonOptions.ProjectId();
        var path = CommonOptions.Path();
        var expand = CommonOptions.Expand();
        var includeImports = CommonOptions.IncludeImports();
        var recursive = CommonOptions.Recursive();
        var overriding = CommonOptions.SecretOverriding();
        var plain = new Option<bool>("--plain") { Description = "Print KEY=value lines without a table." };
        var output = CommonOptions.Output("the secrets");

        var command = new Command("secrets", "List, get, set and delete secrets, and manage folders")
        {
            env, tags, token, projectId, path, expand, includeImports, recursive, overriding, plain, output,
        };
        command.WithExamples(
            "coffer secrets --projectId <id> --env dev",
            "coffer secrets --env prod --path /apps/api --plain",
            "coffer secrets --output json");

        command.Subcommands.Add(CreateGet(context, globals, env));
        command.Subcommands.Add(CreateSet(context, globals, env));
        command.Subcommands.Add(CreateDelete(context, globals, env));
        command.Subcommands.Add(FoldersCommand.Create(context, globals, env));

        command.SetAction(async (parse, ct) =>
        {
            var session = CommandSession.From(context, parse, globals);
            var request = new FetchRequest(
                session.ProjectId(parse.GetValue(projectId)),
                session.Environment(parse.GetValue(env)),
                [session.SecretPath(parse.GetValue(path))],
                parse.GetValue(includeImports),
                parse.GetValue(recursive),
                parse.GetValue(expand),
                parse.GetValue(tags),
                parse.GetValue(overriding));
            var secrets = await FetchAsync(context, session, request, parse.GetValue(token), ct);

            if (parse.GetValue(output) is { Length: > 0 } format)
            {
                await context.Console.Out.WriteAsync(StructuredOutput.Write(format, secrets.Select(KeyValueRecord).ToList()));
            }
            else if (parse.GetValue(plain))
            {
                foreach (var s in secrets)
                {
                    await context.Console.Out.WriteLineAsync($"{s.Key}={s.Value}");
                }
            }
            else
            {
                await context.Console.Out.WriteAsync(SecretTable(secrets));
            }

            return 0;
        });
        return command;
    }

    static Command CreateGet(CliContext context, GlobalOptions globals, Option<string?> env)
    {
        var tags = CommonOptions.Tags();
        var token = CommonOptions.Token();
        var projectId = CommonOptions.ProjectId();
        var path = CommonOptions.Path();
        var expand = CommonOptions.Expand();
        var includeImports = CommonOptions.IncludeImports();
        var recursive = CommonOptions.Recursive();
        var overriding = CommonOptions.SecretOverriding();
        var plain = new Option<bool>("--plain") { Description = "Print only the values, one per line." };
        var rawValue = new Option<bool>("--raw-value") { Description = "Deprecated: use --plain.", Hidden = true };
        var output = CommonOptions.Output("the secrets");
        var names = new Argument<string[]>("names") { Description = "Names of the secrets to print.", Arity = ArgumentArity.OneOrMore };

        var command = new Command("get", "Print secrets by name")
        {
            token, projectId, path, tags, expand, includeImports, recursive, overriding, plain, rawValue, output, names,
        };
        command.WithExamples(
            "coffer secrets get DATABASE_URL API_KEY --projectId <id> --env prod",
            "coffer secrets get DATABASE_URL --plain",
            "coffer secrets get DATABASE_URL --output json");

        command.SetAction(async (parse, ct) =>
        {
            var session = CommandSession.From(context, parse, globals);
            var request = new FetchRequest(
                session.ProjectId(parse.GetValue(projectId)),
                session.Environment(parse.GetValue(env)),
                [session.SecretPath(parse.GetValue(path))],
                parse.GetValue(includeImports),
                parse.GetValue(recursive),
                parse.GetValue(expand),
                parse.GetValue(tags),
                parse.GetValue(overriding));
            var byKey = (await FetchAsync(context, session, request, parse.GetValue(token), ct)).ToDictionary(s => s.Key, StringComparer.Ordinal);
            var requested = parse.GetValue(names)!;
            var missing = requested.Where(n => !byKey.ContainsKey(n)).ToList();
            var plainOutput = parse.GetValue(plain) || parse.GetValue(rawValue);

            if (plainOutput)
            {
                foreach (var name in requested.Where(byKey.ContainsKey))
                {
                    await context.Console.Out.WriteLineAsync(byKey[name].Value);
                }
            }
            else
            {
                // As Infisical does, a name that does not exist shows as "*not found*".
                var shown = requested.Select(n => byKey.TryGetValue(n, out var s) ? s : new Secret(n, "*not found*", "*not found*")).ToList();
                if (parse.GetValue(output) is { Length: > 0 } format)
                {
                    await context.Console.Out.WriteAsync(StructuredOutput.Write(format, shown.Select(KeyValueRecord).ToList()));
                }
                else
                {
                    await context.Console.Out.WriteAsync(SecretTable(shown));
                }
            }

            if (missing.Count > 0)
            {
                // Unlike Infisical, a missing name is an error (exit 1), so scripts notice.
                await context.Console.Error.WriteLineAsync($"error: secret(s) not found: {string.Join(", ", missing)} (environment '{request.Environment}', path '{request.Paths[0]}')");
                return 1;
            }

            return 0;
        });
        return command;
    }

    static Command CreateSet(CliContext context, GlobalOptions globals, Option<string?> env)
    {
        var token = CommonOptions.Token();
        var projectId = CommonOptions.ProjectId();
        var path = CommonOptions.Path();
        var type = CommonOptions.SecretType(SecretTypes.Shared);
        type.AcceptOnlyFromAmong(SecretTypes.Shared, SecretTypes.Personal);
        var file = new Option<string?>("--file") { Description = "Read the secrets from a .env or YAML file instead of arguments.", HelpName = "file" };
        var output = CommonOptions.Output("the result");
        var pairs = new Argument<string[]>("secrets") { Description = "NAME=value pairs; NAME=@file reads the value from a file, NAME=\\@x sets a value starting with @.", Arity = ArgumentArity.ZeroOrMore };

        var command = new Command("set", "Create or update secrets")
        {
            token, projectId, path, type, file, output, pairs,
        };
        command.WithExamples(
            "coffer secrets set DATABASE_URL=postgres://db/app API_KEY=abc --projectId <id> --env dev",
            "coffer secrets set TLS_KEY=@./server.key --path /certs",
            "coffer secrets set --file .env --env staging");

        command.Validators.Add(result =>
        {
            var hasFile = result.GetValue(file) is { Length: > 0 };
            var count = result.GetValue(pairs)?.Length ?? 0;
            if (hasFile && count > 0)
            {
                result.AddError("secrets cannot be provided as command-line arguments when the --file option is used. Please choose either file-based or argument-based secret input");
            }
            else if (!hasFile && count == 0)
            {
                result.AddError("give at least one NAME=value, or --file");
            }
        });

        command.SetAction(async (parse, ct) =>
        {
            var session = CommandSession.From(context, parse, globals);
            var wanted = parse.GetValue(file) is { Length: > 0 } fileName
                ? SecretInput.FromFile(Path.GetFullPath(fileName, context.WorkingDirectory))
                : SecretInput.FromArguments(parse.GetValue(pairs)!, context.WorkingDirectory);
            var projectIdValue = session.ProjectId(parse.GetValue(projectId));
            var environment = session.Environment(parse.GetValue(env));
            var secretPath = session.SecretPath(parse.GetValue(path));
            var secretType = parse.GetValue(type)!;

            using var transport = session.CreateTransport();
            var client = await session.AuthenticatedClientAsync(transport, parse.GetValue(token), ct);
            var operations = new List<(string Key, string Value, string Status)>();
            await using (Spinner.Start(context.Console, session.Silent, "Saving secrets…"))
            {
                // What exists decides create (POST) or update (PATCH), as Infisical's SetRawSecrets does.
                var existing = await client.ListSecretsAsync(new SecretQuery(projectIdValue, environment, secretPath, false, false, false, null), null, ct);
                var current = existing.Body!.Secrets
                    .Where(s => (string.IsNullOrEmpty(s.Type) ? SecretTypes.Shared : s.Type) == secretType)
                    .GroupBy(s => s.SecretKey, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.First().SecretValue, StringComparer.Ordinal);

                foreach (var (key, value) in wanted)
                {
                    var body = new SecretWriteRequest(projectIdValue, environment, secretPath, secretType, value);
                    if (!current.TryGetValue(key, out var old))
                    {
                        await client.CreateSecretAsync(key, body, ct);
                        operations.Add((key, value, "SECRET CREATED"));
                    }
                    else if (old != value)
                    {
                        await client.UpdateSecretAsync(key, body, ct);
                        operations.Add((key, value, "SECRET VALUE MODIFIED"));
                    }
                    else
                    {
                        operations.Add((key, value, "SECRET VALUE UNCHANGED"));
                    }

                    current[key] = value;
                }
            }

            if (parse.GetValue(output) is { Length: > 0 } format)
            {
                var records = operations.Select(o => (IReadOnlyList<KeyValuePair<string, string>>)[new("secretKey", o.Key), new("secretValue", o.Value), new("operation", o.Status)]).ToList();
                await context.Console.Out.WriteAsync(StructuredOutput.Write(format, records));
            }
            else
            {
                await context.Console.Out.WriteAsync(Table.Render(["SECRET NAME", "SECRET VALUE", "STATUS"], operations.Select(o => (IReadOnlyList<string>)[o.Key, o.Value, o.Status])));
            }

            return 0;
        });
        return command;
    }

    static Command CreateDelete(CliContext context, GlobalOptions globals, Option<string?> env)
    {
        var token = CommonOptions.Token();
        var projectId = CommonOptions.ProjectId();
        var path = CommonOptions.Path();
        // Infisical defaults to personal here, but machine identities (the only way into Coffer)
        // cannot own personal secrets, so that default could never succeed.
        var type = CommonOptions.SecretType(SecretTypes.Shared);
        type.AcceptOnlyFromAmong(SecretTypes.Shared, SecretTypes.Personal);
        var output = CommonOptions.Output("the deleted names");
        var names = new Argument<string[]>("names") { Description = "Names of the secrets to delete.", Arity = ArgumentArity.OneOrMore };

        var command = new Command("delete", "Delete secrets by name")
        {
            token, projectId, path, type, output, names,
        };
        command.WithExamples(
            "coffer secrets delete OLD_KEY --projectId <id> --env dev",
            "coffer secrets delete A B C --path /apps/api");

        command.SetAction(async (parse, ct) =>
        {
            var session = CommandSession.From(context, parse, globals);
            var projectIdValue = session.ProjectId(parse.GetValue(projectId));
            var environment = session.Environment(parse.GetValue(env));
            var secretPath = session.SecretPath(parse.GetValue(path));
            var deleted = parse.GetValue(names)!;

            using var transport = session.CreateTransport();
            var client = await session.AuthenticatedClientAsync(transport, parse.GetValue(token), ct);
            await using (Spinner.Start(context.Console, session.Silent, "Deleting secrets…"))
            {
                foreach (var name in deleted)
                {
                    await client.DeleteSecretAsync(name, new SecretWriteRequest(projectIdValue, environment, secretPath, parse.GetValue(type)!), ct);
                }
            }

            if (parse.GetValue(output) is { Length: > 0 } format)
            {
                var records = deleted.Select(n => (IReadOnlyList<KeyValuePair<string, string>>)[new("secretKey", n)]).ToList();
                await context.Console.Out.WriteAsync(StructuredOutput.Write(format, records));
            }
            else
            {
                await context.Console.Error.WriteLineAsync($"secret name(s) [{string.Join(", ", deleted)}] have been deleted from your project");
            }

            return 0;
        });
        return command;
    }

    internal static async Task<List<Secret>> FetchAsync(CliContext context, CommandSession session, FetchRequest request, string? tokenFlag, CancellationToken ct)
    {
        using var transport = session.CreateTransport();
        await using (Spinner.Start(context.Console, session.Silent, "Fetching secrets…"))
        {
            var client = await session.AuthenticatedClientAsync(transport, tokenFlag, ct);
            return (await SecretFetcher.FetchAsync(client, request, null, ct))!.Secrets;
        }
    }

    static IReadOnlyList<KeyValuePair<string, string>> KeyValueRecord(Secret s) => [new("secretKey", s.Key), new("secretValue", s.Value)];

    static string SecretTable(IEnumerable<Secret> secrets) =>
        Table.Render(["SECRET NAME", "SECRET VALUE", "SECRET TYPE"], secrets.Select(s => (IReadOnlyList<string>)[s.Key, s.Value, s.Type]));
}
