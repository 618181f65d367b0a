using System.CommandLine;
using Coffer.Cli.Api;
using Coffer.Cli.Output;
using Coffer.Cli.Run;

namespace Coffer.Cli.Commands;

/// <summary>
/// <c>coffer run -- &lt;command&gt;</c> / <c>--command "a &amp;&amp; b"</c>: starts the command with the
/// secrets in its environment, forwards signals to it and exits with its exit code.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var token = CommonOptions.Token();
        var projectId = CommonOptions.ProjectId();
        var env = CommonOptions.Env();
        var paths = CommonOptions.Paths();
        var tags = CommonOptions.Tags();
        var expand = CommonOptions.Expand();
        var includeImports = CommonOptions.IncludeImports();
        var recursive = CommonOptions.Recursive();
        var overriding = CommonOptions.SecretOverriding();
        var shellCommand = new Option<string?>("--command", "-c") { Description = "Chained commands to run in a shell, e.g. \"npm install && npm run dev\".", HelpName = "commands" };
        var watch = new Option<bool>("--watch") { Description = "Restart the command when the secrets change." };
        var watchInterval = new Option<int>("--watch-interval") { Description = "Seconds between checks for changes in --watch mode (at least 5).", DefaultValueFactory = _ => 10, HelpName = "seconds" };
        var projectConfigDir = new Option<string?>("--project-config-dir") { Description = "The folder holding the .infisical.json to use.", HelpName = "dir" };
        var commandArgs = new Argument<string[]>("command") { Description = "The command and its arguments, after --.", Arity = ArgumentArity.ZeroOrMore };

        var command = new Command("run", "Inject secrets as environment variables into your application process")
        {
            token, projectId, env, paths, tags, expand, includeImports, recursive, overriding, shellCommand, watch, watchInterval, projectConfigDir, commandArgs,
        };
        command.WithExamples(
            "coffer run --projectId <id> --env dev -- npm run dev",
            "coffer run --env=prod --path=/apps/api -- ./server --port 8080",
            "coffer run --command \"npm run build && npm run start\"",
            "coffer run --watch --watch-interval 10 -- node index.js");

        command.Validators.Add(result =>
        {
            var hasCommand = result.GetResult(shellCommand) is { Implicit: false };
            var words = result.GetValue(commandArgs) ?? [];
            if (hasCommand && string.IsNullOrEmpty(result.GetValue(shellCommand)))
            {
                result.AddError("you need to provide a command after the flag --command");
            }
            else if (hasCommand && words.Length > 0)
            {
                result.AddError("you cannot set any arguments after --command flag. --command only takes a string command");
            }
            else if (!hasCommand && words.Length == 0)
            {
                result.AddError("at least one argument is required after the run command, received 0");
            }

            if (result.GetValue(watch) && result.GetValue(watchInterval) < 5)
            {
                result.AddError($"watch interval must be at least 5 seconds, you passed {result.GetValue(watchInterval)} seconds");
            }
        });

        command.SetAction(async (parse, ct) =>
        {
            var session = CommandSession.From(context, parse, globals, parse.GetValue(projectConfigDir));
            var request = new FetchRequest(
                session.ProjectId(parse.GetValue(projectId)),
                session.Environment(parse.GetValue(env)),
                session.SecretPaths(parse.GetValue(paths)),
                parse.GetValue(includeImports),
                parse.GetValue(recursive),
                parse.GetValue(expand),
                parse.GetValue(tags),
                parse.GetValue(overriding));
            var child = parse.GetValue(shellCommand) is { Length: > 0 } line
                ? ChildCommand.FromShellCommand(line, context.Env)
                : ChildCommand.FromArguments(parse.GetValue(commandArgs)!);

            // Registered before the first fetch so a signal during the fetch still ends coffer
            // (no child yet), and from the child's start on is forwarded to it.
            using var signals = new SignalForwarder();
            using var transport = session.CreateTransport();
            var tokenFlag = parse.GetValue(token);

            FetchResult first;
            await using (Spinner.Start(context.Console, session.Silent, "Fetching secrets…"))
            {
                var client = await session.AuthenticatedClientAsync(transport, tokenFlag, ct);
                // No If-None-Match on the first fetch, so the answer always has a body.
                first = (await SecretFetcher.FetchAsync(client, request, null, ct))!;
            }

            var runner = new ProcessRunner(signals, context.Console.Error, session.Silent);
            if (!parse.GetValue(watch))
            {
                return await runner.RunAsync(child, ChildEnvironment.Build(first.Secrets));
            }

            var fingerprint = first.Fingerprint;
            var etag = first.ServerETag;
            return await runner.RunWatchingAsync(
                child,
                ChildEnvironment.Build(first.Secrets),
                async token =>
                {
                    var client = await session.AuthenticatedClientAsync(transport, tokenFlag, token);
                    var next = await SecretFetcher.FetchAsync(client, request, etag, token);
                    // 304: the server says nothing changed. Otherwise compare content, since a
                    // server without ETags (or with per-response ones) must not cause restarts.
                    if (next is null)
                    {
                        return null;
                    }

                    etag = next.ServerETag;
                    if (next.Fingerprint == fingerprint)
                    {
                        return null;
                    }

                    fingerprint = next.Fingerprint;
                    return ChildEnvironment.Build(next.Secrets);
                },
                TimeSpan.FromSeconds(parse.GetValue(watchInterval)),
                ct);
        });
        return command;
    }
}
