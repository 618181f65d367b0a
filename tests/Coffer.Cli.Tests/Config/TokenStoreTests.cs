using Coffer.Cli.Config;

namespace Coffer.Cli.Tests.Config;

public sealed class TokenStoreTests : IDisposable
{
    const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    const UnixFileMode OwnerAll = OwnerReadWrite | UnixFileMode.UserExecute;

    readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("coffer-store-");
    static readonly Uri Server = new("http://127.0.0.1:8080/api/");

    public void Dispose() => _root.Delete(recursive: true);

    static StoredToken Token(string value) => new(value, DateTimeOffset.UnixEpoch, null, null, "client");

    [Fact]
    public void The_file_is_0600_and_its_folder_0700()
    {
        var path = Path.Combine(_root.FullName, "cfg", "coffer", "credentials.json");
        var store = new TokenStore(path);

        store.Save(Server, Token("t1"));

        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(path));
        Assert.Equal(OwnerAll, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal("t1", store.Get(Server)!.AccessToken);
    }

    [Fact]
    public void Rewriting_tightens_a_file_someone_loosened()
    {
        var path = Path.Combine(_root.FullName, "credentials.json");
        var store = new TokenStore(path);
        store.Save(Server, Token("t1"));
        File.SetUnixFileMode(path, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(_root.FullName, OwnerAll | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        store.Save(Server, Token("t2"));

        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(path));
        Assert.Equal(OwnerAll, File.GetUnixFileMode(_root.FullName));
        Assert.Empty(Directory.GetFiles(_root.FullName, "*.tmp"));
    }

    [Fact]
    public void Tokens_are_kept_per_server()
    {
        var store = new TokenStore(Path.Combine(_root.FullName, "credentials.json"));
        var other = new Uri("https://coffer.example.com/api/");

        store.Save(Server, Token("local"));
        store.Save(other, Token("remote"));

        Assert.Equal("local", store.Get(Server)!.AccessToken);
        Assert.Equal("remote", store.Get(other)!.AccessToken);
        Assert.True(store.Remove(Server));
        Assert.Null(store.Get(Server));
        Assert.Equal("remote", store.Get(other)!.AccessToken);
    }

    [Fact]
    public void A_damaged_file_is_a_user_error()
    {
        var path = Path.Combine(_root.FullName, "credentials.json");
        File.WriteAllText(path, "garbage");

        Assert.Throws<Coffer.Cli.Api.CliUserException>(() => new TokenStore(path).Get(Server));
    }

    [Fact]
    public void Config_folder_follows_xdg_config_home_then_home()
    {
        Assert.Equal("/x/cfg/coffer", ConfigPaths.Directory(n => n == "XDG_CONFIG_HOME" ? "/x/cfg" : null));
        Assert.Equal("/home/me/.config/coffer", ConfigPaths.Directory(n => n == "HOME" ? "/home/me" : null));
        // Relative XDG values are invalid by the spec and ignored.
        Assert.Equal("/home/me/.config/coffer", ConfigPaths.Directory(n => n switch { "XDG_CONFIG_HOME" => "rel", "HOME" => "/home/me", _ => null }));
    }
}

public sealed class RenewalPolicyTests
{
    static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    static StoredToken Token(TimeSpan life, TimeSpan? maxLife = null) =>
        new("t", T0, T0 + life, maxLife is { } m ? T0 + m : null, null);

    [Fact]
    public void A_token_without_expiry_is_used_as_is() =>
        Assert.Equal(RenewalPolicy.Decision.UseAsIs, RenewalPolicy.Decide(new StoredToken("t", T0, null, null, null), T0.AddYears(5)));

    [Fact]
    public void A_fresh_token_is_used_as_is() =>
        Assert.Equal(RenewalPolicy.Decision.UseAsIs, RenewalPolicy.Decide(Token(TimeSpan.FromDays(30)), T0.AddDays(10)));

    [Fact]
    public void A_token_in_its_last_quarter_is_renewed() =>
        Assert.Equal(RenewalPolicy.Decision.Renew, RenewalPolicy.Decide(Token(TimeSpan.FromDays(30)), T0.AddDays(23)));

    [Fact]
    public void A_short_token_is_renewed_in_its_second_half() =>
        Assert.Equal(RenewalPolicy.Decision.Renew, RenewalPolicy.Decide(Token(TimeSpan.FromMinutes(1)), T0.AddSeconds(31)));

    [Fact]
    public void An_expired_token_is_reported() =>
        Assert.Equal(RenewalPolicy.Decision.Expired, RenewalPolicy.Decide(Token(TimeSpan.FromHours(1)), T0.AddHours(1)));

    [Fact]
    public void No_renewal_that_the_max_ttl_would_refuse() =>
        Assert.Equal(RenewalPolicy.Decision.UseAsIs, RenewalPolicy.Decide(Token(TimeSpan.FromHours(1), TimeSpan.FromHours(1.5)), T0.AddMinutes(55)));
}
