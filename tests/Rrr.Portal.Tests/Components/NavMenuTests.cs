using Bunit;
using Rrr.Portal.Auth;
using Rrr.Portal.Components.Layout;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Components;

public sealed class NavMenuTests : PortalComponentTest
{
    private List<string> LinkTargets()
    {
        var cut = Render<NavMenu>();
        return cut.FindAll("a").Select(a => a.GetAttribute("href") ?? "").ToList();
    }

    [Fact]
    public void Member_SeesPointsOnly()
    {
        SignInAs("Mia", PortalRoles.Member);

        var links = LinkTargets();

        Assert.Contains("member", links);
        Assert.DoesNotContain("model", links);
        Assert.DoesNotContain("admin", links);
    }

    [Fact]
    public void Model_SeesStudioOnly()
    {
        SignInAs("Luna", PortalRoles.Model);

        var links = LinkTargets();

        Assert.Contains("model", links);
        Assert.DoesNotContain("member", links);
        Assert.DoesNotContain("admin", links);
    }

    [Fact]
    public void Admin_SeesAdministration()
    {
        SignInAs("Ada", PortalRoles.Admin);

        var links = LinkTargets();

        Assert.Contains("admin", links);
        Assert.DoesNotContain("member", links);
        Assert.DoesNotContain("model", links);
    }

    [Fact]
    public void UserWithoutPortalRole_SeesOnlyHome()
    {
        SignInAs("Rita", "rrr_admin");

        var links = LinkTargets();

        Assert.Equal(["no-role"], links);
    }

    [Fact]
    public void PersonWithTwoRoles_SeesBothSections()
    {
        SignInAs("Sam", PortalRoles.Member, PortalRoles.Model);

        var links = LinkTargets();

        Assert.Contains("member", links);
        Assert.Contains("model", links);
        Assert.DoesNotContain("admin", links);
    }
}
