using Coffer.Cli.Api;
using Coffer.Cli.Formats;
using Coffer.Cli.Secrets;

namespace Coffer.Cli.Tests.Formats;

public sealed class ReaderTests : IDisposable
{
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("coffer-read-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Dotenv_reader_handles_comments_export_and_quotes()
    {
        var parsed = DotenvParser.Parse("""
            # a comment
            // another comment
            export A=plain value # trailing comment
            B='single $NOT expanded'
            C="double\nwith\ttab and \"quotes\""
            D='multi
            line'
            E=
            """);

        Assert.Equal(
            [new("A", "plain value"), new("B", "single $NOT expanded"), new("C", "double\nwith\ttab and \"quotes\""), new("D", "multi\nline"), new("E", "")],
            parsed);
    }

    [Fact]
    public void Dotenv_reader_reports_the_line_of_a_bad_entry()
    {
        var ex = Assert.Throws<FormatException>(() => DotenvParser.Parse("A=1\nnot an entry\n"));

        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_reader_rejects_nested_structures()
    {
        Assert.Throws<FormatException>(() => YamlMapReader.Parse("a:\n  b: c\n"));
        Assert.Throws<FormatException>(() => YamlMapReader.Parse("- a\n- b\n"));
        Assert.Equal("line 2: 'b' is not a string (nested mappings and lists are not supported)",
            Assert.Throws<FormatException>(() => YamlMapReader.Parse("a: x\nb:\n  - 1\n")).Message);
    }

    [Fact]
    public void Yaml_reader_refuses_a_name_given_twice_and_broken_yaml_with_the_line()
    {
        Assert.StartsWith("line 2: ", Assert.Throws<FormatException>(() => YamlMapReader.Parse("A: 1\nA: 2\n")).Message);
        Assert.StartsWith("line 1: ", Assert.Throws<FormatException>(() => YamlMapReader.Parse("A: \"open\n")).Message);
    }

    [Fact]
    public void Yaml_reader_reads_what_yaml_allows_beyond_one_line()
    {
        var parsed = YamlMapReader.Parse("A: \"two\\nlines \\\n  joined\"\nB: >-\n  folded\n  text\n\"C D\": |\n  x\n");

        Assert.Equal([new("A", "two\nlines joined"), new("B", "folded text"), new("C D", "x\n")], parsed);
        Assert.Empty(YamlMapReader.Parse("# nothing\n"));
    }

    [Fact]
    public void Yaml_reader_reads_quotes_and_comments()
    {
        var parsed = YamlMapReader.Parse("# c\nA: 'it''s'\nB: \"x\\ty\"\nC: plain # comment\n");

        Assert.Equal([new("A", "it's"), new("B", "x\ty"), new("C", "plain")], parsed);
    }

    [Fact]
    public void Set_arguments_read_files_and_escape_at_signs()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "cert.pem"), "CERT\n");

        var pairs = SecretInput.FromArguments(["A=@cert.pem", "B=\\@handle", "C=x=y"], _dir.FullName);

        Assert.Equal([new("A", "CERT\n"), new("B", "@handle"), new("C", "x=y")], pairs);
    }

    [Theory]
    [InlineData("NOEQUALS")]
    [InlineData("=value")]
    [InlineData("KEY=")]
    [InlineData("1KEY=value")]
    [InlineData("MY KEY=value")]
    [InlineData("A=@missing-file")]
    public void Set_arguments_are_validated_like_infisical(string arg)
    {
        Assert.Throws<CliUserException>(() => SecretInput.FromArguments([arg], _dir.FullName));
    }

    [Fact]
    public void Set_file_accepts_yaml()
    {
        var file = Path.Combine(_dir.FullName, "s.yaml");
        File.WriteAllText(file, "A: one\nB: |\n  two\n  lines\n");

        Assert.Equal([new("A", "one"), new("B", "two\nlines\n")], SecretInput.FromFile(file));
    }
}
