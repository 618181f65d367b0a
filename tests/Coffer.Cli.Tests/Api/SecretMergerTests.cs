using Coffer.Cli.Api;
using Coffer.Cli.Secrets;

namespace Coffer.Cli.Tests.Api;

public sealed class SecretMergerTests
{
    static SecretDto S(string key, string value, string type = "shared") => new() { SecretKey = key, SecretValue = value, Type = type };

    [Fact]
    public void Own_secrets_beat_imports_and_later_imports_beat_earlier_ones()
    {
        var response = new ListSecretsResponse
        {
            Secrets = [S("A", "own")],
            Imports =
            [
                new SecretImportDto { SecretPath = "/first", Secrets = [S("A", "first"), S("B", "first"), S("C", "first")] },
                new SecretImportDto { SecretPath = "/second", Secrets = [S("B", "second")] },
            ],
        };

        var merged = SecretMerger.WithImports(response, "/").ToDictionary(s => s.Key, s => s.Value);

        Assert.Equal(new Dictionary<string, string> { ["A"] = "own", ["B"] = "second", ["C"] = "first" }, merged);
    }

    [Fact]
    public void Personal_overrides_win_unless_overriding_is_off()
    {
        Secret[] secrets = [new("A", "shared"), new("A", "mine", SecretTypes.Personal), new("B", "b")];

        Assert.Equal(["mine", "b"], SecretMerger.Override(secrets, preferPersonal: true).Select(s => s.Value));
        Assert.Equal(["shared", "b"], SecretMerger.Override(secrets, preferPersonal: false).Select(s => s.Value));
    }

    [Fact]
    public void Fingerprint_changes_with_values_not_with_order()
    {
        Secret[] a = [new("A", "1"), new("B", "2")];
        Secret[] b = [new("B", "2"), new("A", "1")];
        Secret[] c = [new("A", "1"), new("B", "3")];
        Secret[] d = [new("A", "1B"), new("", "2")];

        Assert.Equal(SecretMerger.Fingerprint(a), SecretMerger.Fingerprint(b));
        Assert.NotEqual(SecretMerger.Fingerprint(a), SecretMerger.Fingerprint(c));
        Assert.NotEqual(SecretMerger.Fingerprint(a), SecretMerger.Fingerprint(d));
    }

    [Fact]
    public void Reserved_names_are_not_injected()
    {
        var env = Coffer.Cli.Run.ChildEnvironment.Build(
            [new Secret("PATH", "/evil"), new Secret("XDG_RUNTIME_DIR", "x"), new Secret("LC_ALL", "x"), new Secret("APP", "ok")],
            new System.Collections.Hashtable { ["PATH"] = "/usr/bin" });

        Assert.Equal("/usr/bin", env.Variables["PATH"]);
        Assert.Equal("ok", env.Variables["APP"]);
        Assert.False(env.Variables.ContainsKey("XDG_RUNTIME_DIR"));
        Assert.Equal(1, env.SecretCount);
        Assert.Equal(3, env.Warnings.Count);
    }
}
