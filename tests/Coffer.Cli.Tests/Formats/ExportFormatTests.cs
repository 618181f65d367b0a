using Coffer.Cli.Formats;
using Coffer.Cli.Secrets;

namespace Coffer.Cli.Tests.Formats;

public sealed class ExportFormatTests
{
    /// <summary>Values that break naive quoting, each under its own key.</summary>
    public static readonly Dictionary<string, string> Tricky = new()
    {
        ["SIMPLE"] = "value",
        ["EMPTY"] = "",
        ["SPACES"] = "  leading and trailing  ",
        ["SINGLE_QUOTE"] = "it's",
        ["ONLY_QUOTE"] = "'",
        ["DOUBLE_QUOTE"] = "say \"hi\"",
        ["DOLLAR"] = "$HOME ${PATH} $(id) `id`",
        ["BACKSLASH"] = @"C:\path\to\n\t",
        ["HASH"] = "value # not a comment",
        ["EQUALS"] = "a=b=c",
        ["COMMA"] = "a,b,\"c\"",
        ["PEM"] = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n",
        ["NO_TRAILING_NEWLINE"] = "line1\nline2",
        ["MANY_TRAILING_NEWLINES"] = "x\n\n\n",
        ["BLANK_LINES_INSIDE"] = "a\n\n\nb",
        ["INDENTED_FIRST_LINE"] = "  indented\nnext",
        ["CRLF"] = "windows\r\nline",
        ["TAB"] = "a\tb",
        ["UNICODE"] = "héllo wörld ✓ 日本語 🙂",
        ["YAML_BOOL"] = "true",
        ["YAML_NULL"] = "null",
        ["YAML_TILDE"] = "~",
        ["YAML_NUMBER"] = "0123",
        ["YAML_FLOAT"] = "1e3",
        ["YAML_HEX"] = "0x1F",
        ["YAML_DATE"] = "2024-01-02",
        ["YAML_INDICATORS"] = "- item: [a, b] {c: d} & * ! | > % @",
        ["YAML_COLON"] = "key: value",
        ["LEADING_DASH"] = "-x",
        ["JSONISH"] = "{\"a\":1}",
        ["TRAILING_SPACES_ON_LINE"] = "a  \nb",
        ["WHITESPACE_ONLY_LINE"] = "a\n   \nb",
        ["CONTROL"] = "bell\u0007",
    };

    static List<Secret> Secrets(IReadOnlyDictionary<string, string> values) =>
        values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new Secret(kv.Key, kv.Value)).ToList();

    [Theory]
    [InlineData("dotenv")]
    [InlineData("dotenv-export")]
    [InlineData("json")]
    [InlineData("yaml")]
    [InlineData("csv")]
    public async Task Every_format_parses_back_to_the_same_values(string format)
    {
        var values = new Dictionary<string, string>(Tricky);
        if (format.StartsWith("dotenv", StringComparison.Ordinal))
        {
            // A POSIX shell cannot hold these in variables anyway.
            values.Remove("CONTROL");
        }

        var text = ExportFormat.Write(format, Secrets(values));

        Assert.Equal(values, await FormatParsers.ParseAsync(format, text));
    }

    [Theory]
    [InlineData("dotenv")]
    [InlineData("dotenv-export")]
    public void Dotenv_files_parse_back_with_the_cli_reader_too(string format)
    {
        var text = ExportFormat.Write(format, Secrets(Tricky));

        var parsed = DotenvParser.Parse(text).ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Equal(Tricky, parsed);
    }

    [Fact]
    public void Dotenv_uses_infisicals_single_quoted_lines()
    {
        var secrets = new[] { new Secret("A", "1"), new Secret("B", "two words") };

        Assert.Equal("A='1'\nB='two words'\n", ExportFormat.Write("dotenv", secrets));
        Assert.Equal("export A='1'\nexport B='two words'\n", ExportFormat.Write("dotenv-export", secrets));
    }

    [Fact]
    public void Csv_has_the_key_value_header_and_quotes_only_when_needed()
    {
        var secrets = new[] { new Secret("A", "plain"), new Secret("B", "x,y"), new Secret("C", "say \"hi\""), new Secret("D", " lead") };

        Assert.Equal("Key,Value\nA,plain\nB,\"x,y\"\nC,\"say \"\"hi\"\"\"\nD,\" lead\"\n", ExportFormat.Write("csv", secrets));
    }

    [Fact]
    public void Yaml_keeps_pem_keys_readable_as_literal_blocks()
    {
        var text = ExportFormat.Write("yaml", [new Secret("PEM", "-----BEGIN-----\nabc\n-----END-----\n"), new Secret("PLAIN", "hello")]);

        Assert.Equal("PEM: |\n  -----BEGIN-----\n  abc\n  -----END-----\nPLAIN: hello\n", text);
    }

    [Fact]
    public void Json_has_infisicals_fields()
    {
        var text = ExportFormat.Write("json", [new Secret("A", "1", "shared", "id-1", "ws-1", "/", "note")]);

        using var doc = System.Text.Json.JsonDocument.Parse(text);
        var item = doc.RootElement[0];
        Assert.Equal("A", item.GetProperty("key").GetString());
        Assert.Equal("1", item.GetProperty("value").GetString());
        Assert.Equal("shared", item.GetProperty("type").GetString());
        Assert.Equal("id-1", item.GetProperty("_id").GetString());
        Assert.Equal("ws-1", item.GetProperty("workspace").GetString());
        Assert.Equal("/", item.GetProperty("secretPath").GetString());
        Assert.Equal("note", item.GetProperty("comment").GetString());
    }

    [Fact]
    public void Skip_multiline_encoding_writes_line_breaks_as_backslash_n_like_infisical()
    {
        var secret = new Secret("K", "a\nb", SkipMultilineEncoding: true);

        Assert.Equal("K='a\\nb'\n", ExportFormat.Write("dotenv", [secret]));
        Assert.Contains("\"value\": \"a\\nb\"", ExportFormat.Write("json", [secret]), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_format_is_a_user_error_listing_the_formats()
    {
        var ex = Assert.Throws<Coffer.Cli.Api.CliUserException>(() => ExportFormat.Write("toml", []));

        Assert.Contains("dotenv-export", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_yaml_is_an_empty_mapping()
    {
        Assert.Empty(FormatParsers.Yaml(ExportFormat.Write("yaml", [])));
    }
}
