using System.CommandLine;
using Coffer.Cli.Api;
using Coffer.Cli.Formats;
using Coffer.Cli.Output;

namespace Coffer.Cli.Commands;

/// <summary><c>coffer secrets folders get|create|delete</c> (Infisical names the listing <c>get</c>; <c>list</c> works too).</summary>
internal static class FoldersCommand
{
    public static Command Create(CliContext context, GlobalOptions globals, Option<string?> env)
    {
        var command = new Command("folders", "Create, delete, and list folders");
        command.WithExamples(
            "coffer secrets folders get --path / --projectId <id> --env dev",
            "coffer secrets folders create --name api --path /apps",
            "coffer secrets folders delete --name api --path /apps");
        command.Subcommands.Add(CreateList(context, globals, env));
        command.Subcommands.Add(CreateCreate(context, globals, env));
        command.Subcommands.Add(CreateDelete(context, globals, env));
        return command;
    }

    static Command CreateList(CliContext context, GlobalOptions globals, Option<string?> env)
    {
        var token = CommonOptions.Token();
        var projectId = CommonOptions.ProjectId();
        var path = FolderPath("The path from where folders should be fetched from");
        var output = CommonOptions.Output("the folders");
        var command = new Command("get", "List the folders in a path") { token, projectId, path, output };
        command.Aliases.Add("list");
        command.WithExamples("coffer secrets folders get --path /apps", "coffer secrets folders list --output json");

        command.SetAction(async (parse, ct) =>
        {
            var session = CommandSession.From(context, parse, globals);
            var folderPath = CommandSession.NormalizePath(parse.GetValue(path) ?? "/");
            using var transport = session.CreateTransport();
            IReadOnlyList<FolderDto> folders;
            await using (Spinner.Start(context.Console, session.Silent, "Fetching folders…"))
            {
                var client = await session.AuthenticatedClientAsync(transport, parse.GetValue(token), ct);
                folders = await client.ListFoldersAsync(session.ProjectId(parse.GetValue(projectId)), session.Environment(parse.GetValue(env)), folderPath, ct);
            }

            if (parse.GetValue(output) is { Length: > 0 } format)
            {
                var records = folders.Select(f => (IReadOnlyList<KeyValuePair<string, string>>)[new("folderName", f.Name), new("folderPath", folderPath), new("folderId", f.Id ?? "")]).ToList();
                await context.Console.Out.WriteAsync(StructuredOutput.Write(format, records));
            }
            else
            {
                await context.Console.Out.WriteAsync(Table.Render(["FOLDER NAME(S)"], folders.Select(f => (IReadOnlyList<string>)[f.Name])));
            }

            return 0;
        });
        return command;
    }

    static Command CreateCreate(CliContext context, GlobalOptions globals, Option<string?> env)
    {
        var token = CommonOptions.Token();
        var projectId = CommonOptions.ProjectId();
        var path = FolderPath("Path to where the folder should be created");
        var name = FolderName("Name of the folder to be created in selected --path");
        var output = CommonOptions.Output("the folder");
        var command = new Command("create", "Create a folder") { token, projectId, path, name, output };
        command.WithExamples("coffer secrets folders create --name api --path /apps --env dev");

        command.SetAction(async (parse, ct) =>
        {
            var session = CommandSession.From(context, parse, globals);
            var folderName = RequireName(parse.GetValue(name));
            var folderPath = CommandSession.NormalizePath(parse.GetValue(path) ?? "/");
            using var transport = session.CreateTransport();
            FolderDto? folder;
            await using (Spinner.Start(context.Console, session.Silent, "Creating folder…"))
            {
                var client = await session.AuthenticatedClientAsync(transport, parse.GetValue(token), ct);
                folder = await client.CreateFolderAsync(new CreateFolderRequest(session.ProjectId(parse.GetValue(projectId)), session.Environment(parse.GetValue(env)), folderName, folderPath), ct);
            }

            if (parse.GetValue(output) is { Length: > 0 } format)
            {
                await context.Console.Out.WriteAsync(StructuredOutput.Write(format, [[new("folderName", folder?.Name ?? folderName), new("folderPath", folderPath), new("folderId", folder?.Id ?? "")]]));
            }
            else
            {
                await context.Console.Error.WriteLineAsync($"folder named `{folderName}` created in path {folderPath}");
            }

            return 0;
        });
        return command;
    }

    static Command CreateDelete(CliContext context, GlobalOptions globals, Option<string?> env)
    {
        var token = CommonOptions.Token();
        var projectId = CommonOptions.ProjectId();
        var path = FolderPath("Path to the folder to be deleted");
        var name = FolderName("Name of the folder to be deleted within selected --path");
        var output = CommonOptions.Output("the folder");
        var command = new Command("delete", "Delete a folder") { token, projectId, path, name, output };
        command.WithExamples("coffer secrets folders delete --name api --path /apps --env dev");

        command.SetAction(async (parse, ct) =>
        {
            var session = CommandSession.From(context, parse, globals);
            var folderName = RequireName(parse.GetValue(name));
            var folderPath = CommandSession.NormalizePath(parse.GetValue(path) ?? "/");
            using var transport = session.CreateTransport();
            await using (Spinner.Start(context.Console, session.Silent, "Deleting folder…"))
            {
                var client = await session.AuthenticatedClientAsync(transport, parse.GetValue(token), ct);
                await client.DeleteFolderAsync(folderName, new DeleteFolderRequest(session.ProjectId(parse.GetValue(projectId)), session.Environment(parse.GetValue(env)), folderPath, folderPath), ct);
            }

            if (parse.GetValue(output) is { Length: > 0 } format)
            {
                await context.Console.Out.WriteAsync(StructuredOutput.Write(format, [[new("folderName", folderName), new("folderPath", folderPath)]]));
            }
            else
            {
                await context.Console.Error.WriteLineAsync($"folder named `{folderName}` deleted in path {folderPath}");
            }

            return 0;
        });
        return command;
    }

    static Option<string?> FolderPath(string description) => new("--path", "-p") { Description = description + " (default /).", HelpName = "path" };

    static Option<string?> FolderName(string description) => new("--name", "-n") { Description = description + ".", HelpName = "name" };

    static string RequireName(string? name) =>
        string.IsNullOrWhiteSpace(name)
            ? throw new CliUserException("invalid folder name, folder name cannot be empty", "Pass --name <folder>.")
            : name.Trim();
}
