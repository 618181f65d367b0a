using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Coffer.Cli.Commands;
using Coffer.Cli.Output;

namespace Coffer.Cli;

/// <summary>Builds the command tree and runs it, turning every failure into a short message and an exit code.</summary>
internal static class CliApp
{
    public static Task<int> RunAsync(string[] args, CliConsole console, Func<string, string?> env) =>
        RunAsync(args, CliContext.ForProcess(console, env));

    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        var root = BuildRoot(context);
        var configuration = new InvocationConfiguration
        {
            Output = context.Console.Out,
            Error = context.Console.Error,
            // Exceptions are rendered below, without stack traces.
            EnableDefaultExceptionHandler = false,
            // No Ctrl-C/SIGTERM handling by the parser: `run` forwards signals to its child and
            // must stay alive until the child exits.
            ProcessTerminationTimeout = null,
        };

        try
        {
            var parse = root.Parse(args);
            if (parse.Action is ParseErrorAction)
            {
                // The parser's own report prints the whole help page; one line per problem and a
                // pointer to --help is easier to act on.
                foreach (var error in parse.Errors)
                {
                    await context.Console.Error.WriteLineAsync($"error: {error.Message}");
                }

                await context.Console.Error.WriteLineAsync($"  hint: see `{CommandPath(parse.CommandResult)} --help`.");
                return 1;
            }

            return await parse.InvokeAsync(configuration);
        }
        catch (Exception ex)
        {
            return ErrorRenderer.Render(ex, context.Console.Error);
        }
        finally
        {
            await context.Console.Out.FlushAsync();
            await context.Console.Error.FlushAsync();
        }
    }

    /// <summary>"coffer secrets folders create" for the command that failed to parse.</summary>
    static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult { Parent: not null } c; r = c.Parent)
        {
            names.Insert(0, c.Command.Name);
        }

        names.Insert(0, "coffer");
        return string.Join(' ', names);
    }

    public static RootCommand BuildRoot(CliContext context)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("coffer: inject, export and manage secrets stored in a Coffer (Infisical-compatible) server")
        {
            globals.Domain,
            globals.Silent,
        };
        root.Subcommands.Add(LoginCommand.Create(context, globals));
        root.Subcommands.Add(LogoutCommand.Create(context, globals));
        root.Subcommands.Add(RunCommand.Create(context, globals));
        root.Subcommands.Add(ExportCommand.Create(context, globals));
        root.Subcommands.Add(SecretsCommand.Create(context, globals));
        root.WithExamples(
            "coffer login --method=universal-auth --client-id <id> --client-secret <secret> --domain https://coffer.example.com",
            "coffer run --projectId <id> --env dev -- npm run dev",
            "coffer export --format=dotenv-export > .env",
            "coffer secrets set API_KEY=abc --env prod",
            "coffer secrets get API_KEY --plain");
        HelpExamples.Install(root);
        return root;
    }
}
