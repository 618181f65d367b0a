using System.CommandLine;
using Coffer.Cli.Commands;

namespace Coffer.Cli.Tests.Commands;

public sealed class ArgumentParsingTests
{
    static ParseResult Parse(params string[] args) => CliApp.BuildRoot(new InProcessCli().Context).Parse(args);

    static T? Value<T>(ParseResult parse, string name) => parse.GetValue<T>(name);

    [Fact]
    public void Everything_after_the_double_dash_belongs_to_the_child()
    {
        var parse = Parse("run", "--env", "prod", "--", "node", "--inspect", "-e", "x", "--", "y");

        Assert.Empty(parse.Errors);
        Assert.Equal(["node", "--inspect", "-e", "x", "--", "y"], Value<string[]>(parse, "command")!);
        Assert.Equal("prod", Value<string>(parse, "--env"));
    }

    [Fact]
    public void Run_needs_a_command()
    {
        Assert.Contains(Parse("run").Errors, e => e.Message.Contains("at least one argument is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_command_flag_and_arguments_exclude_each_other()
    {
        Assert.Contains(Parse("run", "--command", "a && b", "--", "c").Errors, e => e.Message.Contains("cannot set any arguments after --command", StringComparison.Ordinal));
        Assert.Empty(Parse("run", "-c", "a && b").Errors);
    }

    [Fact]
    public void Watch_interval_has_a_floor_of_five_seconds()
    {
        Assert.Contains(Parse("run", "--watch", "--watch-interval", "3", "--", "x").Errors, e => e.Message.Contains("at least 5 seconds", StringComparison.Ordinal));
        Assert.Empty(Parse("run", "--watch", "--watch-interval", "5", "--", "x").Errors);
    }

    [Fact]
    public void Boolean_flags_default_like_infisical_and_accept_false()
    {
        var defaults = Parse("export");
        Assert.True(Value<bool>(defaults, "--expand"));
        Assert.True(Value<bool>(defaults, "--include-imports"));
        Assert.True(Value<bool>(defaults, "--secret-overriding"));

        var off = Parse("export", "--expand=false", "--include-imports", "false");
        Assert.False(Value<bool>(off, "--expand"));
        Assert.False(Value<bool>(off, "--include-imports"));
    }

    [Fact]
    public void Run_accepts_several_paths()
    {
        Assert.Equal(["/a", "/b"], Value<string[]>(Parse("run", "--path", "/a", "--path", "/b", "--", "x"), "--path")!);
    }

    [Fact]
    public void Project_id_has_infisicals_camel_case_spelling()
    {
        Assert.Equal("p1", Value<string>(Parse("export", "--projectId", "p1"), "--projectId"));
        Assert.Equal("p2", Value<string>(Parse("export", "--projectId=p2"), "--projectId"));
    }

    [Fact]
    public void Export_formats_are_checked()
    {
        Assert.Empty(Parse("export", "--format", "dotenv-export").Errors);
        Assert.Empty(Parse("export", "-f", "YAML").Errors);
        Assert.NotEmpty(Parse("export", "--format", "toml").Errors);
    }

    [Fact]
    public void Secret_type_must_be_shared_or_personal()
    {
        Assert.Equal("shared", Value<string>(Parse("secrets", "delete", "A"), "--type"));
        Assert.NotEmpty(Parse("secrets", "set", "A=1", "--type", "other").Errors);
    }

    [Fact]
    public void Set_takes_pairs_or_a_file_not_both()
    {
        Assert.NotEmpty(Parse("secrets", "set").Errors);
        Assert.NotEmpty(Parse("secrets", "set", "A=1", "--file", "x.env").Errors);
        Assert.Empty(Parse("secrets", "set", "--file", "x.env").Errors);
    }

    [Fact]
    public void Global_options_work_before_and_after_the_command()
    {
        Assert.Equal("http://a", Value<string>(Parse("--domain", "http://a", "export"), "--domain"));
        Assert.True(Value<bool>(Parse("secrets", "get", "A", "--silent"), "--silent"));
    }

    [Fact]
    public void Env_is_shared_by_secrets_subcommands()
    {
        Assert.Equal("prod", Value<string>(Parse("secrets", "folders", "create", "--env", "prod", "--name", "x"), "--env"));
        Assert.Empty(Parse("secrets", "folders", "list").Errors);
    }

    public static TheoryData<string> AllCommands() =>
    [
        "", "login", "logout", "run", "export", "secrets", "secrets get", "secrets set", "secrets delete",
        "secrets folders", "secrets folders get", "secrets folders create", "secrets folders delete",
    ];

    [Theory]
    [MemberData(nameof(AllCommands))]
    public async Task Every_command_has_help_with_examples(string command)
    {
        var cli = new InProcessCli();

        var code = await cli.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.Equal(0, code);
        var help = cli.Out.ToString();
        Assert.Contains("Usage:", help, StringComparison.Ordinal);
        Assert.Contains("Examples:\n  coffer", help.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_errors_are_short_and_point_at_help()
    {
        var cli = new InProcessCli();

        var code = await cli.RunAsync("secrets", "folders", "create", "--bogus");

        Assert.Equal(1, code);
        Assert.Equal("", cli.Out.ToString());
        Assert.Contains("error: Unrecognized command or argument '--bogus'", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("see `coffer secrets folders create --help`", cli.Error.ToString(), StringComparison.Ordinal);
    }
}
