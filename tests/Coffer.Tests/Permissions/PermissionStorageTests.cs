using System.Text.Json.Nodes;
using Coffer.Server.Permissions;

namespace Coffer.Tests.Permissions;

/// <summary>The stored form is CASL's packRules output, byte for byte (checked against @casl/ability/extra).</summary>
public class PermissionStorageTests
{
    private const string Rules = """
        [{"subject":"secrets","action":"read","conditions":{"secretName":"A","environment":{"$in":["dev","prod"]},"secretPath":{"$glob":"/app/**"}},"inverted":false},
         {"subject":"identity","action":["read","edit"],"inverted":true,"conditions":{"identityId":{"$ne":"x"}}},
         {"subject":"role","action":["read","create"]},
         {"subject":"secrets","action":["edit"],"inverted":true}]
        """;

    private const string Packed =
        """[["read","secrets",{"environment":{"$in":["dev","prod"]},"secretPath":{"$glob":"/app/**"},"secretName":"A"}],""" +
        """["read,edit","identity",{"identityId":{"$ne":"x"}},1],["read,create","role"],["edit","secrets",0,1]]""";

    [Fact]
    public void PacksLikeCasl() =>
        Assert.Equal(Packed, PermissionStorage.Pack(PermissionJson.ParseProject(JsonNode.Parse(Rules))));

    [Fact]
    public void UnpacksToTheSameRules()
    {
        var rules = PermissionStorage.Unpack(Packed);
        Assert.Equal(Packed, PermissionStorage.Pack(rules));
        Assert.Equal(
            """[{"subject":"secrets","action":["read"],"conditions":{"environment":{"$in":["dev","prod"]},"secretPath":{"$glob":"/app/**"},"secretName":"A"},"inverted":false},""" +
            """{"subject":"identity","action":["read","edit"],"conditions":{"identityId":{"$ne":"x"}},"inverted":true},""" +
            """{"subject":"role","action":["read","create"],"inverted":false},{"subject":"secrets","action":["edit"],"inverted":true}]""",
            PermissionJson.ToUnpackedJson(rules).ToJsonString());
    }

    [Fact]
    public void EmptyConditionsSurviveAsCaslKeepsThem() =>
        Assert.Equal("""[["read","secrets",{}]]""",
            PermissionStorage.Pack(PermissionJson.ParseProject(JsonNode.Parse("""[{"subject":"secrets","action":"read","conditions":{}}]"""))));

    [Fact]
    public void PlaceholdersAreStoredUnrendered()
    {
        var packed = PermissionStorage.Pack(PermissionJson.ParseProject(JsonNode.Parse(
            """[{"subject":"identity","action":"edit","conditions":{"identityId":"{{identity.id}}"}}]""")));
        Assert.Equal("""[["edit","identity",{"identityId":"{{identity.id}}"}]]""", packed);
        var set = PermissionSet.Build([PermissionStorage.Unpack(packed)], new ActorTemplateContext("me", "me"));
        Assert.True(set.Can("edit", "identity", SubjectFields.Identity("me")));
    }

    [Fact]
    public void RejectsSomethingThatIsNotPackedRules() =>
        Assert.Throws<InvalidOperationException>(() => PermissionStorage.Unpack("""{"subject":"secrets"}"""));
}
