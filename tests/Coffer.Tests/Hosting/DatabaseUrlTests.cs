using Coffer.Server.Hosting;
using Npgsql;

namespace Coffer.Tests.Hosting;

public class DatabaseUrlTests
{
    [Theory]
    // Plain forms.
    [InlineData("postgres://user:pass@localhost:5432/infisical", "Host=localhost;Port=5432;Database=infisical;Username=user;Password=pass")]
    [InlineData("postgresql://user:pass@db.example.com/infisical", "Host=db.example.com;Port=5432;Database=infisical;Username=user;Password=pass")]
    [InlineData("PostgreSQL://user:pass@db/infisical", "Host=db;Port=5432;Database=infisical;Username=user;Password=pass")]
    [InlineData("  postgres://user:pass@db/infisical\n", "Host=db;Port=5432;Database=infisical;Username=user;Password=pass")]
    [InlineData("postgres://localhost/infisical", "Host=localhost;Port=5432;Database=infisical")]
    [InlineData("postgres://admin@db:6543/infisical", "Host=db;Port=6543;Database=infisical;Username=admin")]
    [InlineData("postgres://user:pass@db:5432", "Host=db;Port=5432;Username=user;Password=pass")]
    [InlineData("postgres://user:pass@db/", "Host=db;Port=5432;Username=user;Password=pass")]
    [InlineData("postgres://user:@db/x", "Host=db;Port=5432;Database=x;Username=user")]
    [InlineData("postgres://my-db_1.internal.example.com:5433/x", "Host=my-db_1.internal.example.com;Port=5433;Database=x")]
    // Passwords users actually have.
    [InlineData("postgres://user:p%40ss@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=p@ss")]
    [InlineData("postgres://user:p@ss@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=p@ss")]
    [InlineData("postgres://user:p@ss@w@rd@db:5432/x", "Host=db;Port=5432;Database=x;Username=user;Password=p@ss@w@rd")]
    [InlineData("postgres://user:pa:ss@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=pa:ss")]
    [InlineData("postgres://user:pa/ss@db:6543/x", "Host=db;Port=6543;Database=x;Username=user;Password=pa/ss")]
    [InlineData("postgres://user:pa%2Fss@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=pa/ss")]
    [InlineData("postgres://user:pa?ss@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=pa?ss")]
    [InlineData("postgres://user:pa#ss@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=pa#ss")]
    [InlineData("postgres://user:a/b@c:d@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=a/b@c:d")]
    [InlineData("postgres://user:100%@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=100%")]
    [InlineData("postgres://user:a+b@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=a+b")]
    [InlineData("postgres://user:p%C3%A4ss%F0%9F%94%91@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=päss🔑")]
    [InlineData("postgres://user:a%3Bb%3Dc@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=\"a;b=c\"")]
    [InlineData("postgres://user:say%20%22hi%22@db/x", "Host=db;Port=5432;Database=x;Username=user;Password='say \"hi\"'")]
    [InlineData("postgres://user:it's@db/x", "Host=db;Port=5432;Database=x;Username=user;Password=\"it's\"")]
    [InlineData("postgres://us%40er%3Aname:pw@db/x", "Host=db;Port=5432;Database=x;Username=us@er:name;Password=pw")]
    // Hosts.
    [InlineData("postgres://user:pw@[::1]/x", "Host=::1;Port=5432;Database=x;Username=user;Password=pw")]
    [InlineData("postgres://user:pw@[2001:db8::10]:6543/x", "Host=2001:db8::10;Port=6543;Database=x;Username=user;Password=pw")]
    [InlineData("postgres://user:p@ss@[::1]:5433/x", "Host=::1;Port=5433;Database=x;Username=user;Password=p@ss")]
    [InlineData("postgres://127.0.0.1:5432/x", "Host=127.0.0.1;Port=5432;Database=x")]
    [InlineData("postgresql://%2Fvar%2Frun%2Fpostgresql/x", "Host=/var/run/postgresql;Port=5432;Database=x")]
    [InlineData("postgresql://user@/x?host=/tmp&port=5433", "Host=/tmp;Port=5433;Database=x;Username=user")]
    // Database names.
    [InlineData("postgres://db/my%20database", "Host=db;Port=5432;Database=\"my database\"")]
    [InlineData("postgres://db:5432/team@prod", "Host=db;Port=5432;Database=team@prod")]
    [InlineData("postgres://db/x?dbname=other&user=u&password=p%26w", "Host=db;Port=5432;Database=other;Username=u;Password=p&w")]
    // Query parameters.
    [InlineData("postgres://db/x?sslmode=disable", "Host=db;Port=5432;Database=x;SSL Mode=Disable")]
    [InlineData("postgres://db/x?sslmode=allow", "Host=db;Port=5432;Database=x;SSL Mode=Allow")]
    [InlineData("postgres://db/x?sslmode=prefer", "Host=db;Port=5432;Database=x;SSL Mode=Prefer")]
    [InlineData("postgres://db/x?sslmode=require", "Host=db;Port=5432;Database=x;SSL Mode=Require")]
    [InlineData("postgres://db/x?sslmode=verify-ca", "Host=db;Port=5432;Database=x;SSL Mode=VerifyCA")]
    [InlineData("postgres://db/x?sslmode=verify-full", "Host=db;Port=5432;Database=x;SSL Mode=VerifyFull")]
    [InlineData("postgres://db/x?sslmode=no-verify", "Host=db;Port=5432;Database=x;SSL Mode=Require")]
    [InlineData("postgres://db/x?ssl=true", "Host=db;Port=5432;Database=x;SSL Mode=VerifyFull")]
    [InlineData("postgres://db/x?ssl=true&sslmode=require", "Host=db;Port=5432;Database=x;SSL Mode=Require")]
    [InlineData("postgres://db/x?sslmode=verify-full&sslrootcert=/etc/ssl/my%20ca.pem", "Host=db;Port=5432;Database=x;SSL Mode=VerifyFull;Root Certificate=\"/etc/ssl/my ca.pem\"")]
    [InlineData("postgres://db/x?sslrootcert=system", "Host=db;Port=5432;Database=x;SSL Mode=VerifyFull")]
    [InlineData("postgres://db/x?sslcert=/c.pem&sslkey=/k.pem&sslpassword=s%3Bcret", "Host=db;Port=5432;Database=x;SSL Certificate=/c.pem;SSL Key=/k.pem;SSL Password=\"s;cret\"")]
    [InlineData("postgres://db/x?application_name=coffer&connect_timeout=10", "Host=db;Port=5432;Database=x;Application Name=coffer;Timeout=10")]
    [InlineData("postgres://db/x?options=-c%20search_path%3Dcoffer", "Host=db;Port=5432;Database=x;Options=\"-c search_path=coffer\"")]
    [InlineData("postgres://db/x?channel_binding=require&target_session_attrs=read-write", "Host=db;Port=5432;Database=x;Channel Binding=Require;Target Session Attributes=read-write")]
    [InlineData("postgres://db:5432/x?application_name=a@b", "Host=db;Port=5432;Database=x;Application Name=a@b")]
    [InlineData("postgres://db/x?&sslmode=require&", "Host=db;Port=5432;Database=x;SSL Mode=Require")]
    // The key=value form passes through untouched.
    [InlineData("Host=db;Username=u;Password=p;Database=x", "Host=db;Username=u;Password=p;Database=x")]
    [InlineData("Server=db; User ID=u; Password=\"a;b\"; SSL Mode=Require", "Server=db; User ID=u; Password=\"a;b\"; SSL Mode=Require")]
    public void ParsesIntoAnNpgsqlConnectionString(string input, string expected)
    {
        var result = DatabaseUrl.Parse(input);

        Assert.Equal(expected, result.Value);
        // Npgsql itself must read it back, with every key known to it.
        _ = new NpgsqlConnectionStringBuilder(result.Value);
    }

    [Theory]
    [InlineData("postgres://user:p@ss@w@rd@db:5432/x", "db", 5432, "x", "user", "p@ss@w@rd")]
    [InlineData("postgres://user:a%3Bb%3Dc@db/x", "db", 5432, "x", "user", "a;b=c")]
    [InlineData("postgres://user:say%20%22hi%22@db/x", "db", 5432, "x", "user", "say \"hi\"")]
    [InlineData("postgres://user:it's@db/x", "db", 5432, "x", "user", "it's")]
    [InlineData("postgres://user:%20lead%20and%20trail%20@db/x", "db", 5432, "x", "user", " lead and trail ")]
    [InlineData("postgres://user:''%22%22;;==@db/x", "db", 5432, "x", "user", "''\"\";;==")]
    [InlineData("postgres://user:pw@[2001:db8::10]:6543/my%20db", "2001:db8::10", 6543, "my db", "user", "pw")]
    public void NpgsqlReadsBackExactlyWhatTheUriSaid(string input, string host, int port, string database, string user, string password)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.Parse(input).Value);

        Assert.Equal(host, builder.Host);
        Assert.Equal(port, builder.Port);
        Assert.Equal(database, builder.Database);
        Assert.Equal(user, builder.Username);
        Assert.Equal(password, builder.Password);
    }

    [Fact]
    public void NpgsqlReadsSslAndExtraSettingsAsIntended()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.Parse(
            "postgres://db/x?sslmode=verify-ca&sslrootcert=/ca.pem&application_name=coffer&connect_timeout=7&options=-c%20statement_timeout%3D5000&target_session_attrs=primary&channel_binding=prefer").Value);

        Assert.Equal(SslMode.VerifyCA, builder.SslMode);
        Assert.Equal("/ca.pem", builder.RootCertificate);
        Assert.Equal("coffer", builder.ApplicationName);
        Assert.Equal(7, builder.Timeout);
        Assert.Equal("-c statement_timeout=5000", builder.Options);
        Assert.Equal("primary", builder.TargetSessionAttributes);
        Assert.Equal(ChannelBinding.Prefer, builder.ChannelBinding);
    }

    [Fact]
    public void TypedPropertiesAndRedaction()
    {
        var result = DatabaseUrl.Parse("postgres://user:s3cr%3Bt@db:6543/x?sslmode=require&sslpassword=keypass");

        Assert.Equal("db", result.Host);
        Assert.Equal(6543, result.Port);
        Assert.Equal("x", result.Database);
        Assert.Equal("user", result.Username);
        Assert.Equal(SslMode.Require, result.SslMode);
        Assert.Null(result.RootCertificate);
        Assert.Equal("Host=db;Port=6543;Database=x;Username=user;Password=***;SSL Mode=Require;SSL Password=***", result.Redacted);
        Assert.Equal(result.Redacted, result.ToString());
        Assert.DoesNotContain("s3cr", $"{result}", StringComparison.Ordinal);
    }

    [Fact]
    public void KeyValueFormIsRedactedToo()
    {
        var result = DatabaseUrl.Parse("Server=db;User Id=u;PWD=hunter2;Database=x");
        // As Npgsql writes it back (its canonical keys).
        Assert.Equal("Host=db;Username=u;Password=***;Database=x", result.Redacted);
        Assert.Equal("db", result.Host);
        Assert.Equal("u", result.Username);
        Assert.Equal(5432, result.Port); // Npgsql's default, as it will connect
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("mysql://user:secretpw@db/x", "postgres://")]
    [InlineData("secretpw", "postgres://")]
    [InlineData("postgres://user:secretpw@db:99999/x", "port")]
    [InlineData("postgres://user:secretpw@db:0/x", "port")]
    [InlineData("postgres://user:secretpw@db:54a/x", "port")]
    [InlineData("postgres://user:secretpw@/x", "no host")]
    [InlineData("postgres://user:secretpw@db/x?sslmode=bogus", "sslmode")]
    [InlineData("postgres://user:secretpw@db/x?ssl=maybe", "ssl")]
    [InlineData("postgres://user:secretpw@db/x?schema=public", "unsupported query parameter 'schema'")]
    [InlineData("postgres://user:secretpw@db/x?sslmode", "has no value")]
    [InlineData("postgres://user:secretpw@db/x?connect_timeout=soon", "connect_timeout")]
    [InlineData("postgres://user:secretpw@db/x?connect_timeout=5000", "connect_timeout")]
    [InlineData("postgres://user:secretpw@db/x?channel_binding=always", "channel_binding")]
    [InlineData("postgres://user:secretpw@db/x?target_session_attrs=whatever", "target_session_attrs")]
    [InlineData("postgres://user:secretpw@db1,db2/x", "several hosts")]
    [InlineData("postgres://user:secretpw@[zz::1]/x", "IPv6")]
    [InlineData("postgres://user:secretpw@[::1/x", "IPv6")]
    [InlineData("postgres://user:secretpw@[::1]x/x", "IPv6")]
    [InlineData("postgres://user:secretpw@db!/x", "invalid host")]
    [InlineData("postgres://user:secret pw@db x/y", "invalid host")]
    [InlineData("postgres://user:12/secretpw@db/x", "percent-encode it as %2F")]
    [InlineData("postgres://db/x/secretpw", "'/' in the database name")]
    // The key=value form is read by Npgsql's builder, whose messages are not passed on (a stray ';' can make part of a
    // password read as a key, and Npgsql names keys).
    [InlineData("Host=db;Password=\"secretpw", "is not a key=value connection string that Npgsql accepts")]
    [InlineData("Host=db;secretpw;Database=x", "is not a key=value connection string that Npgsql accepts")]
    [InlineData("Host=db;Password=\"secretpw\" trailing", "is not a key=value connection string that Npgsql accepts")]
    [InlineData("Host=db;Pasword=secretpw", "check each key's spelling")]
    public void ErrorsSayWhatIsWrongAndNeverEchoThePassword(string input, string expected)
    {
        var error = Assert.Throws<DatabaseUrlException>(() => DatabaseUrl.Parse(input));

        Assert.Equal("DB_CONNECTION_URI", error.Variable);
        Assert.StartsWith("DB_CONNECTION_URI ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsUriRecognisesBothSchemesOnly()
    {
        Assert.True(DatabaseUrl.IsUri("postgres://db/x"));
        Assert.True(DatabaseUrl.IsUri("POSTGRESQL://db/x"));
        Assert.False(DatabaseUrl.IsUri("Host=db"));
        Assert.False(DatabaseUrl.IsUri("sqlite://data/coffer.db"));
    }
}
