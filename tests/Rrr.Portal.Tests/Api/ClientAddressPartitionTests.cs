using System.Net;
using Microsoft.AspNetCore.Http;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Api;

/// <summary>Which address a per-client limit counts against.</summary>
public sealed class ClientAddressPartitionTests
{
    private static string Of(string? address)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address);
        return RateLimitHosting.ClientAddress(http);
    }

    [Fact]
    public void IPv4_CountsAsItself_AlsoWhenSeenAsIPv6()
    {
        Assert.Equal("203.0.113.7", Of("203.0.113.7"));
        Assert.Equal("203.0.113.7", Of("::ffff:203.0.113.7"));
    }

    [Fact]
    public void IPv6_CountsByItsSlash64_SoOneHostCannotRotateAddresses()
    {
        Assert.Equal(Of("2001:db8:1:2::1"), Of("2001:db8:1:2:ffff:eeee:dddd:cccc"));
        Assert.NotEqual(Of("2001:db8:1:2::1"), Of("2001:db8:1:3::1"));
        Assert.Equal("2001:db8:1:2::/64", Of("2001:db8:1:2::1"));
    }

    [Fact]
    public void NoAddress_IsOnePartition()
    {
        Assert.Equal("unknown", Of(null));
    }
}
