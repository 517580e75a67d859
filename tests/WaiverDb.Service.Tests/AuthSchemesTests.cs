using WaiverDb.Service.Auth;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Tests;

public sealed class AuthSchemesTests
{
    [Theory]
    [InlineData(AuthMethod.Dummy, "Basic realm=\"dummy\"")]
    [InlineData(AuthMethod.Oidc, "Bearer")]
    [InlineData(AuthMethod.Kerberos, "Negotiate")]
    [InlineData(AuthMethod.Ssl, null)]
    public void EachMethodChallengesAsItsClientsExpectAndCertificatesNotByHeader(AuthMethod method, string? challenge)
    {
        Assert.Equal(challenge, AuthSchemes.ChallengeFor(method));
    }

}
