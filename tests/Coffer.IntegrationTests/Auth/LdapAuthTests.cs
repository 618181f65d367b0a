using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Auth;

/// <summary>The OpenLDAP server the LDAP auth tests log in against (scripts/ldap-test-server.sh, Debian's slapd).</summary>
public sealed class TestLdap : IAsyncLifetime
{
    public const string Password = "root-Pa55word-for-tests";
    public const string ReaderDn = "cn=reader,ou=services,dc=coffer,dc=test";
    public const string SearchBase = "ou=people,dc=coffer,dc=test";

    private ScriptedServer? _server;

    public string Url => _server!.Value;

    public async ValueTask InitializeAsync() => _server = await ScriptedServer.StartAsync("ldap-test-server.sh", "COFFER_LDAP", Password);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _server = null;
    }

    /// <summary>A user's password in the seeded directory.</summary>
    public static string PasswordOf(string uid) => uid + "-Pa55word";
}

/// <summary>
/// LDAP auth against a real OpenLDAP (users, and groups through memberOf): the reader binds and searches with the configured filter, the user's own bind
/// proves the password, the allowed fields are checked; usernames cannot change the filter (RFC 4515 escaping); an
/// empty password is refused before anything is sent; failures lock the username out as Infisical's lockout says, even
/// when attempts race; the bind password is sealed and never shown.
/// </summary>
public sealed class LdapAuthTests(InternalConnectionsServer fx, TestLdap ldap) : IClassFixture<InternalConnectionsServer>, IClassFixture<TestLdap>
{
    private static readonly string[] ConfigKeys =
    [
        "id", "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit", "accessTokenTrustedIps", "identityId", "url", "searchBase",
        "searchFilter", "allowedFields", "createdAt", "updatedAt", "accessTokenPeriod", "templateId", "lockoutEnabled", "lockoutThreshold",
        "lockoutDurationSeconds", "lockoutCounterResetSeconds",
    ];

    private async Task<string> ConfiguredAsync(object? allowedFields = null, bool lockoutEnabled = true, int lockoutThreshold = 3, string? url = null)
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var body = new JsonObject
        {
            ["url"] = url ?? ldap.Url,
            ["bindDN"] = TestLdap.ReaderDn,
            ["bindPass"] = TestLdap.Password,
            ["searchBase"] = TestLdap.SearchBase,
            ["accessTokenTTL"] = 1200,
            ["lockoutEnabled"] = lockoutEnabled,
            ["lockoutThreshold"] = lockoutThreshold,
        };
        if (allowedFields is not null) body["allowedFields"] = JsonSerializer.SerializeToNode(allowedFields);
        var r = await fx.Api.PostAsync($"/api/v1/auth/ldap-auth/identities/{identityId}", body, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json["identityLdapAuth"]!.AsObject(), ConfigKeys);
        return identityId;
    }

    private Task<ApiResponse> LoginAsync(string identityId, string username, string password) =>
        fx.Api.PostAsync("/api/v1/auth/ldap-auth/login", new { identityId, username, password });

    [Fact]
    public async Task A_directory_user_logs_in_and_the_login_is_audited_with_their_uid_and_mail()
    {
        var identityId = await ConfiguredAsync();
        var login = await LoginAsync(identityId, "alice", TestLdap.PasswordOf("alice"));
        Expect.Ok(login);
        Expect.Keys(login.Json, "accessToken", "expiresIn", "accessTokenMaxTTL", "tokenType");
        Assert.Equal(1200, login.Json["expiresIn"]!.GetValue<long>());
        Assert.Equal(200, (await fx.Api.GetAsync("/api/v1/projects", login.Json["accessToken"]!.GetValue<string>())).Code);

        var audit = await fx.Api.GetAsync($"/api/v1/organization/audit-logs?eventType=login-identity-ldap-auth&actor=identity:{identityId}", fx.AdminToken);
        var metadata = Assert.Single(audit.Json["auditLogs"]!.AsArray())!["event"]!["metadata"]!;
        Assert.Equal("alice", metadata["ldapUsername"]!.GetValue<string>());
        Assert.Equal("alice@coffer.test", metadata["ldapEmail"]!.GetValue<string>());
        Assert.Equal(identityId, metadata["identityId"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_bind_password_is_sealed_and_never_shown()
    {
        var identityId = await ConfiguredAsync();
        var shown = await fx.Api.GetAsync($"/api/v1/auth/ldap-auth/identities/{identityId}", fx.AdminToken);
        Expect.Ok(shown);
        var config = shown.Json["identityLdapAuth"]!;
        Assert.Equal(TestLdap.ReaderDn, config["bindDN"]!.GetValue<string>());
        Assert.Equal("", config["bindPass"]!.GetValue<string>());
        Assert.Equal("(uid={{username}})", config["searchFilter"]!.GetValue<string>());
        Assert.DoesNotContain(TestLdap.Password, shown.RawBody, StringComparison.Ordinal);
        Expect.Ok(await LoginAsync(identityId, "bob", TestLdap.PasswordOf("bob")));
        await DatabaseBytes.AssertAbsentAsync(fx.Server, TestLdap.Password, TestLdap.PasswordOf("bob"));
        Assert.DoesNotContain(TestLdap.PasswordOf("bob"), fx.Server.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_an_unknown_user_and_a_blank_password_are_refused()
    {
        var identityId = await ConfiguredAsync(lockoutEnabled: false);
        Expect.Error(await LoginAsync(identityId, "alice", "not-her-password"), 401, "UnauthorizedError", "LDAP authentication failed");
        Expect.Error(await LoginAsync(identityId, "nobody", "whatever"), 401, "UnauthorizedError", "LDAP authentication failed");
        // A simple bind with an empty password is an anonymous bind that LDAP servers accept: never sent.
        Expect.Validation(await LoginAsync(identityId, "alice", ""), Issue.TooSmall(["password"], "string", 1, "Password is required"));
        Expect.Validation(await LoginAsync(identityId, "alice", "   "), Issue.TooSmall(["password"], "string", 1, "Password is required"));
        Expect.Validation(await LoginAsync(identityId, " ", "x"), Issue.TooSmall(["username"], "string", 1, "Username is required"));
        Expect.Validation(await LoginAsync("not-a-uuid", "alice", "x"), new JsonObject
        {
            ["code"] = "invalid_string",
            ["validation"] = "uuid",
            ["path"] = new JsonArray("identityId"),
            ["message"] = "Identity ID must be a valid UUID",
        });
        var unknown = Guid.NewGuid().ToString();
        Expect.Error(await LoginAsync(unknown, "alice", "x"), 404, "NotFound", $"Identity with ID '{unknown}' not found");
        var withoutLdap = await fx.Given.IdentityAsync("member");
        Expect.Error(await LoginAsync(withoutLdap, "alice", "x"), 404, "NotFound", $"LDAP auth with ID '{withoutLdap}' not found");
    }

    [Theory]
    [InlineData("*")]
    [InlineData("alice)(uid=*")]
    [InlineData("*)(|(uid=*")]
    [InlineData("al*")]
    [InlineData("alice\\")]
    public async Task A_username_cannot_widen_the_filter(string username)
    {
        var identityId = await ConfiguredAsync(lockoutEnabled: false);
        // Each password is one the filter would find a user for, were the username not escaped.
        foreach (var uid in new[] { "alice", "bob", "ops(ci)*" })
            Expect.Error(await LoginAsync(identityId, username, TestLdap.PasswordOf(uid)), 401, "UnauthorizedError", "LDAP authentication failed");
    }

    [Fact]
    public async Task A_uid_with_filter_characters_logs_in_escaped()
    {
        var identityId = await ConfiguredAsync(lockoutEnabled: false);
        Expect.Ok(await LoginAsync(identityId, "ops(ci)*", TestLdap.PasswordOf("ops(ci)*")));
    }

    [Fact]
    public async Task Allowed_fields_admit_only_users_whose_attributes_match()
    {
        var identityId = await ConfiguredAsync(allowedFields: new[] { new { key = "departmentNumber", value = "engineering, research" } }, lockoutEnabled: false);
        Expect.Ok(await LoginAsync(identityId, "alice", TestLdap.PasswordOf("alice")));
        Expect.Error(await LoginAsync(identityId, "bob", TestLdap.PasswordOf("bob")), 401, "UnauthorizedError",
            "Invalid request. User field 'departmentNumber' does not match required fields.");

        var needsMail = await ConfiguredAsync(allowedFields: new[] { new { key = "mail", value = "alice@coffer.test" } }, lockoutEnabled: false);
        Expect.Error(await LoginAsync(needsMail, "ops(ci)*", TestLdap.PasswordOf("ops(ci)*")), 401, "UnauthorizedError",
            "Invalid request. Missing field mail on user.");
        // A wrong password says nothing about the user's attributes.
        Expect.Error(await LoginAsync(needsMail, "bob", "wrong"), 401, "UnauthorizedError", "LDAP authentication failed");
    }

    [Fact]
    public async Task A_filter_on_group_membership_admits_only_the_groups_members()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await fx.Api.PostAsync($"/api/v1/auth/ldap-auth/identities/{identityId}", new
        {
            url = ldap.Url,
            bindDN = TestLdap.ReaderDn,
            bindPass = TestLdap.Password,
            searchBase = TestLdap.SearchBase,
            searchFilter = "(&(uid={{username}})(memberOf=cn=deployers,ou=groups,dc=coffer,dc=test))",
            lockoutEnabled = false,
        }, fx.AdminToken));
        Expect.Ok(await LoginAsync(identityId, "alice", TestLdap.PasswordOf("alice")));
        // Bob is a directory user with the right password, but in another group.
        Expect.Error(await LoginAsync(identityId, "bob", TestLdap.PasswordOf("bob")), 401, "UnauthorizedError", "LDAP authentication failed");
    }

    [Fact]
    public async Task Failures_lock_the_username_out_until_the_lockouts_are_cleared()
    {
        var identityId = await ConfiguredAsync(lockoutThreshold: 2);
        Expect.Error(await LoginAsync(identityId, "alice", "wrong-1"), 401, "UnauthorizedError", "LDAP authentication failed");
        Expect.Error(await LoginAsync(identityId, "Alice", "wrong-2"), 401, "UnauthorizedError", "LDAP authentication failed");
        const string Locked = "This identity auth method is temporarily locked, please try again later";
        Expect.Error(await LoginAsync(identityId, "alice", TestLdap.PasswordOf("alice")), 401, "UnauthorizedError", Locked);
        // Another username of the same identity is not locked.
        Expect.Ok(await LoginAsync(identityId, "bob", TestLdap.PasswordOf("bob")));

        var cleared = await fx.Api.PostAsync($"/api/v1/auth/ldap-auth/identities/{identityId}/clear-lockouts", null, fx.AdminToken);
        Expect.Ok(cleared);
        Assert.Equal(1, cleared.Json["deleted"]!.GetValue<int>());
        Expect.Ok(await LoginAsync(identityId, "alice", TestLdap.PasswordOf("alice")));
    }

    [Fact]
    public async Task Racing_attempts_cannot_make_more_guesses_than_the_threshold()
    {
        var identityId = await ConfiguredAsync(lockoutThreshold: 3);
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => LoginAsync(identityId, "alice", $"guess-{i}")));
        Assert.All(answers, a => Assert.Equal(401, a.Code));
        var messages = answers.Select(a => a.Json["message"]!.GetValue<string>()).ToList();
        Assert.Equal(3, messages.Count(m => m == "LDAP authentication failed"));
        Assert.Equal(9, messages.Count(m => m == "This identity auth method is temporarily locked, please try again later"));
    }

    [Fact]
    public async Task An_unreachable_directory_is_a_502_and_does_not_count_towards_a_lockout()
    {
        // Threshold 1: were the unanswered attempts counted, the second would already be refused as locked.
        await using var other = new TestLdap();
        await other.InitializeAsync();
        var identityId = await ConfiguredAsync(lockoutThreshold: 1, url: other.Url);
        await other.DisposeAsync();
        for (var i = 0; i < 3; i++)
            Expect.Error(await LoginAsync(identityId, "alice", TestLdap.PasswordOf("alice")), 502, "BadGateway",
                "Connecting to the LDAP server failed: the server is unavailable");
    }

    private Task<int> SetColumnAsync(string identityId, string column, string value) =>
        fx.Server.Services.GetRequiredService<Coffer.Server.Data.Db>().WriteAsync((conn, tx) => Dapper.SqlMapper.ExecuteAsync(conn,
            $"UPDATE identity_ldap_auths SET {column} = @value WHERE identity_id = @identityId", new { value, identityId }, tx),
            TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_directory_that_refuses_the_reader_or_the_search_at_login_is_a_502_naming_which()
    {
        // Saved while the directory accepted them; changed since (as when a reader's password or the tree changes).
        var identityId = await ConfiguredAsync();
        await SetColumnAsync(identityId, "bind_dn", "cn=nobody,ou=services,dc=coffer,dc=test");
        Expect.Error(await LoginAsync(identityId, "alice", TestLdap.PasswordOf("alice")), 502, "BadGateway",
            "The LDAP server refused the configured bind DN and password");

        var other = await ConfiguredAsync();
        await SetColumnAsync(other, "search_base", "not a distinguished name");
        Expect.Error(await LoginAsync(other, "alice", TestLdap.PasswordOf("alice")), 502, "BadGateway",
            "The LDAP server refused the search: invalid DN");
    }

    [Fact]
    public async Task A_directory_that_accepts_the_connection_and_never_answers_is_a_502_after_the_time_out()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<System.Net.Sockets.Socket>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true) held.Add(await silent.AcceptSocketAsync(TestContext.Current.CancellationToken));
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // The test is over.
            }
        }, TestContext.Current.CancellationToken);
        var identityId = await ConfiguredAsync();
        await SetColumnAsync(identityId, "url", $"ldap://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}");
        Expect.Error(await LoginAsync(identityId, "alice", TestLdap.PasswordOf("alice")), 502, "BadGateway",
            "The LDAP server did not answer within 15 seconds");
        silent.Stop();
        foreach (var socket in held) socket.Dispose();
    }

    [Fact]
    public async Task An_update_whose_configuration_changed_during_its_connection_test_is_a_409_and_writes_nothing()
    {
        var identityId = await ConfiguredAsync();
        var path = $"/api/v1/auth/ldap-auth/identities/{identityId}";
        var ldapPort = new Uri(ldap.Url).Port;
        using var gate = new SemaphoreSlim(0);
        using var connected = new SemaphoreSlim(0);
        using var proxy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        proxy.Start();
        // Holds the first update's connection test until the second update has been written, then lets it through.
        var relay = Task.Run(async () =>
        {
            using var client = await proxy.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
            connected.Release();
            await gate.WaitAsync(TestContext.Current.CancellationToken);
            using var upstream = new System.Net.Sockets.TcpClient();
            await upstream.ConnectAsync(System.Net.IPAddress.Loopback, ldapPort, TestContext.Current.CancellationToken);
            var a = client.GetStream().CopyToAsync(upstream.GetStream(), TestContext.Current.CancellationToken);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), TestContext.Current.CancellationToken);
            await Task.WhenAny(a, b);
        }, TestContext.Current.CancellationToken);
        var proxied = $"ldap://127.0.0.1:{((System.Net.IPEndPoint)proxy.LocalEndpoint).Port}";

        var first = fx.Api.SendAsync(HttpMethod.Patch, path, new { url = proxied, bindPass = TestLdap.Password }, fx.AdminToken);
        Assert.True(await connected.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken), "the first update's connection test reached the directory");
        Expect.Ok(await fx.Api.SendAsync(HttpMethod.Patch, path, new { accessTokenTTL = 999 }, fx.AdminToken));
        gate.Release();

        Expect.Error(await first, 409, "Conflict", "The configuration was changed by another request; read it again and retry");
        var now = (await fx.Api.GetAsync(path, fx.AdminToken)).Json["identityLdapAuth"]!;
        Assert.Equal(ldap.Url, now["url"]!.GetValue<string>());
        Assert.Equal(999, now["accessTokenTTL"]!.GetValue<long>());
        proxy.Stop();
        await relay.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Saving_tests_the_connection_and_checks_the_filter_and_url()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        JsonObject Body(string? bindPass = null, string? searchFilter = null, string? url = null, string? templateId = null)
        {
            var body = new JsonObject
            {
                ["url"] = url ?? ldap.Url,
                ["bindDN"] = TestLdap.ReaderDn,
                ["bindPass"] = bindPass ?? TestLdap.Password,
                ["searchBase"] = TestLdap.SearchBase,
            };
            if (searchFilter is not null) body["searchFilter"] = searchFilter;
            if (templateId is not null) body["templateId"] = templateId;
            return body;
        }
        var path = $"/api/v1/auth/ldap-auth/identities/{identityId}";
        Expect.Error(await fx.Api.PostAsync(path, Body(bindPass: "wrong"), fx.AdminToken), 400, "BadRequest",
            "Failed to connect to LDAP server. Please ensure that the LDAP server is running and your credentials are correct.");
        Expect.Validation(await fx.Api.PostAsync(path, Body(searchFilter: "(uid={{username}}"), fx.AdminToken),
            Issue.Custom(["searchFilter"], "Invalid LDAP search filter"));
        Expect.Validation(await fx.Api.PostAsync(path, Body(url: "http://127.0.0.1:389"), fx.AdminToken),
            Issue.Custom(["url"], "The LDAP URL must be an ldap:// or ldaps:// URL"));
        Expect.Validation(await fx.Api.PostAsync(path, Body(templateId: Guid.NewGuid().ToString()), fx.AdminToken),
            Issue.Custom(["templateId"], "Coffer has no machine identity auth templates; give url, bindDN, bindPass and searchBase instead"));
        Expect.Ok(await fx.Api.GetAsync($"/api/v1/identities/{identityId}", fx.AdminToken));
        Expect.Error(await fx.Api.GetAsync(path, fx.AdminToken), 400, "BadRequest", "The identity does not have LDAP Auth attached");

        Expect.Ok(await fx.Api.PostAsync(path, Body(searchFilter: "(&(objectClass=inetOrgPerson)(uid={{username}}))"), fx.AdminToken));
        Expect.Ok(await LoginAsync(identityId, "bob", TestLdap.PasswordOf("bob")));
        // Pointing the configuration elsewhere needs the bind password again: the stored one is not sent to a new server.
        Expect.Error(await fx.Api.PatchAsync(path, new { url = "ldap://127.0.0.2:389" }, fx.AdminToken), 400, "BadRequest",
            "Changing the LDAP URL requires the bind password to be given again");
        var updated = await fx.Api.PatchAsync(path, new { searchFilter = "(mail={{username}})", accessTokenTTL = 60 }, fx.AdminToken);
        Expect.Ok(updated);
        Assert.Equal("(mail={{username}})", updated.Json["identityLdapAuth"]!["searchFilter"]!.GetValue<string>());
        Expect.Ok(await LoginAsync(identityId, "bob@coffer.test", TestLdap.PasswordOf("bob")));
    }

    [Fact]
    public async Task Revoking_removes_the_configuration_and_the_tokens_it_issued()
    {
        var identityId = await ConfiguredAsync();
        var token = (await LoginAsync(identityId, "alice", TestLdap.PasswordOf("alice"))).Json["accessToken"]!.GetValue<string>();
        var revoked = await fx.Api.DeleteAsync($"/api/v1/auth/ldap-auth/identities/{identityId}", fx.AdminToken);
        Expect.Ok(revoked);
        Expect.Keys(revoked.Json["identityLdapAuth"]!.AsObject(), ConfigKeys);
        Assert.Equal(401, (await fx.Api.GetAsync("/api/v1/projects", token)).Code);
        Expect.Error(await LoginAsync(identityId, "alice", TestLdap.PasswordOf("alice")), 404, "NotFound", $"LDAP auth with ID '{identityId}' not found");
        var identity = await fx.Api.GetAsync($"/api/v1/identities/{identityId}", fx.AdminToken);
        Assert.DoesNotContain("ldap-auth", identity.Json["identity"]!["identity"]!["authMethods"]!.ToJsonString(), StringComparison.Ordinal);
    }
}

/// <summary>LDAPS: the server's certificate must chain to the configured CA; another CA fails the connection test.</summary>
public sealed class LdapsAuthTests(InternalConnectionsServer fx) : IClassFixture<InternalConnectionsServer>, IAsyncLifetime
{
    private readonly string _certDir = Directory.CreateTempSubdirectory("coffer-ldaps-").FullName;
    private ScriptedServer? _ldaps;
    private string _caPem = "";

    public async ValueTask InitializeAsync()
    {
        _caPem = TestCertificates.WriteServerFiles(_certDir);
        _ldaps = await ScriptedServer.StartAsync("ldap-test-server.sh", "COFFER_LDAP", TestLdap.Password,
            new Dictionary<string, string> { ["COFFER_LDAP_TLS_DIR"] = _certDir });
    }

    public async ValueTask DisposeAsync()
    {
        if (_ldaps is not null) await _ldaps.DisposeAsync();
        Directory.Delete(_certDir, recursive: true);
    }

    private Task<ApiResponse> AttachAsync(string identityId, string caPem) =>
        fx.Api.PostAsync($"/api/v1/auth/ldap-auth/identities/{identityId}", new
        {
            url = _ldaps!.Value,
            bindDN = TestLdap.ReaderDn,
            bindPass = TestLdap.Password,
            searchBase = TestLdap.SearchBase,
            ldapCaCertificate = caPem,
        }, fx.AdminToken);

    [Fact]
    public async Task Logs_in_over_LDAPS_with_the_servers_CA_and_is_refused_with_another()
    {
        Assert.StartsWith("ldaps://", _ldaps!.Value, StringComparison.Ordinal);
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await AttachAsync(identityId, _caPem));
        Expect.Ok(await fx.Api.PostAsync("/api/v1/auth/ldap-auth/login", new { identityId, username = "alice", password = TestLdap.PasswordOf("alice") }));
        var shown = await fx.Api.GetAsync($"/api/v1/auth/ldap-auth/identities/{identityId}", fx.AdminToken);
        Assert.Equal(_caPem.Trim(), shown.Json["identityLdapAuth"]!["ldapCaCertificate"]!.GetValue<string>());

        var otherDir = Directory.CreateTempSubdirectory("coffer-ldaps-other-").FullName;
        try
        {
            var other = await fx.Given.IdentityAsync("member");
            Expect.Error(await AttachAsync(other, TestCertificates.WriteServerFiles(otherDir)), 400, "BadRequest",
                "Failed to connect to LDAP server. Please ensure that the LDAP server is running and your credentials are correct.");
            Expect.Error(await AttachAsync(other, "not a certificate"), 400, "BadRequest",
                "Invalid CA Certificate. Expected a PEM-encoded X.509 certificate.");
        }
        finally
        {
            Directory.Delete(otherDir, recursive: true);
        }
    }
}

/// <summary>Without ALLOW_INTERNAL_IP_CONNECTIONS an LDAP server on a private address is refused before any connection.</summary>
public sealed class LdapInternalAddressTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_loopback_LDAP_url_is_refused()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Error(await fx.Api.PostAsync($"/api/v1/auth/ldap-auth/identities/{identityId}", new
        {
            url = "ldap://127.0.0.1:389",
            bindDN = TestLdap.ReaderDn,
            bindPass = TestLdap.Password,
            searchBase = TestLdap.SearchBase,
        }, fx.AdminToken), 400, "BadRequest",
            "Private IP addresses (127.0.0.1) are not allowed. If you are self-hosting, you can allow private IP addresses by setting the " +
            "'ALLOW_INTERNAL_IP_CONNECTIONS' environment variable to 'true' on your instance.");
    }
}
