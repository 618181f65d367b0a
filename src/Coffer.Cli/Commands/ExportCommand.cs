using System.CommandLine;
using Coffer.Cli.Api;
using Coffer.Cli.Formats;
using Coffer.Cli.Output;

namespace Coffer.Cli.Commands;

/// <summary><c>coffer export</c>: prints (or writes) the secrets as dotenv, dotenv-export, json, yaml or csv.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var token = CommonOptions.Token();
        var projectId = CommonOptions.ProjectId();
        var env = CommonOptions.Env();
        var path = CommonOptions.Path();
        var tags = CommonOptions.Tags();
        var expand = CommonOptions.Expand();
        var includeImports = CommonOptions.IncludeImports();
        var overriding = CommonOptions.SecretOverriding();
        var format = new Option<string>("--format", "-f")
        {
            Description = "Output format: dotenv, dotenv-export, json, yaml or csv.",
            DefaultValueFactory = _ => ExportFormat.Dotenv,
            HelpName = "format",
        };
        format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, ExportFormat.All);
        var outputFile = new Option<string?>("--output-file", "-o")
        {
            Description = "Write to this file (a folder gets the format's default name, a name without extension gets one) instead of stdout.",
            HelpName = "file",
        };

        var command = new Command("export", "Export secrets in a file format")
        {
            token, projectId, env, path, tags, expand, includeImports, overriding, format, outputFile,
        };
        command.WithExamples(
            "coffer export --projectId <id> --env=prod --format=json > secrets.json",
            "coffer export --env=prod --format=dotenv-export --output-file=.env",
            "eval \"$(coffer export --format=dotenv-export)\"",
            "coffer export --format=yaml --path=/apps/api");

        command.SetAction(async (parse, ct) =>
        {
            var session = CommandSession.From(context, parse, globals);
            var request = new FetchRequest(
                session.ProjectId(parse.GetValue(projectId)),
                session.Environment(parse.GetValue(env)),
                [session.SecretPath(parse.GetValue(path))],
                parse.GetValue(includeImports),
                Recursive: false,
                parse.GetValue(expand),
                parse.GetValue(tags),
                parse.GetValue(overriding));
            var chosenFormat = parse.GetValue(format)!;

            using var transport = session.CreateTransport();
            FetchResult result;
            await using (Spinner.Start(context.Console, session.Silent, "Fetching secrets…"))
            {
                var client = await session.AuthenticatedClientAsync(transport, parse.GetValue(token), ct);
                result = (await SecretFetcher.FetchAsync(client, request, null, ct))!;
            }

            var text = ExportFormat.Write(chosenFormat, result.Secrets, warning => context.Console.Error.WriteLine("warning: " + warning));
            if (parse.GetValue(outputFile) is not { Length: > 0 } target)
            {
                await context.Console.Out.WriteAsync(text);
                return 0;
            }

            var finalPath = OutputFile.Resolve(target, chosenFormat, context);
            OutputFile.WritePrivate(finalPath, text);
            await context.Console.Error.WriteLineAsync($"Successfully exported secrets to: {finalPath}");
            return 0;
        });
        return command;
    }
}

/// <summary>Where <c>--output-file</c> writes, with Infisical's rules (cmd/export.go resolveOutputPath).</summary>
internal static class OutputFile
{
    public static string Resolve(string target, string format, CliContext context)
    {
        if (target.StartsWith('~'))
        {
            var home = context.Env(Config.EnvNames.Home) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            target = home + target[1..];
        }

        var looksLikeFolder = target.EndsWith('/') || target.EndsWith(Path.DirectorySeparatorChar);
        var full = Path.GetFullPath(target, context.WorkingDirectory);
        if (Directory.Exists(full) || looksLikeFolder)
        {
            Directory.CreateDirectory(full);
            return Path.Combine(full, ExportFormat.DefaultFileName(format));
        }

        var parent = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(parent))
        {
            Directory.CreateDirectory(parent);
        }

        return !File.Exists(full) && Path.GetExtension(full).Length == 0 ? full + ExportFormat.DefaultExtension(format) : full;
    }

    /// <summary>
    /// Secrets land in a file only the user can read (0600); Infisical uses 0644. An existing file
    /// is tightened too.
    /// </summary>
    public static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false)))
        {
            writer.Write(text);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
