using WaiverDb.Service.Auth;

namespace WaiverDb.Service.Tests;

/// <summary>Expectations checked against Python 3.11's <c>fnmatch.fnmatchcase</c>.</summary>
public sealed class GlobTests
{
    [Theory]
    [InlineData("dist.*", "dist.rpmdeplint", true)]
    [InlineData("dist.*", "dist.", true)]
    [InlineData("dist.*", "distx", false)]
    [InlineData("dist.*", "xdist.a", false)]
    [InlineData("dist.*", "Dist.a", false)]
    [InlineData("*", "", true)]
    [InlineData("a*", "a", true)]
    [InlineData("*.rpm", "a\nb.rpm", true)]
    [InlineData("*lint", "dist.rpmlint", true)]
    [InlineData("*lint", "dist.rpmlint.x", false)]
    public void StarMatchesAnyRunOfCharacters(string pattern, string testcase, bool expected)
    {
        Assert.Equal(expected, Glob.ToRegex(pattern).IsMatch(testcase));
    }

    [Theory]
    [InlineData("?", "a", true)]
    [InlineData("?", "ab", false)]
    [InlineData("?", "", false)]
    [InlineData("dist.?", "dist.\n", true)]
    public void QuestionMarkMatchesExactlyOneCharacter(string pattern, string testcase, bool expected)
    {
        Assert.Equal(expected, Glob.ToRegex(pattern).IsMatch(testcase));
    }

    [Theory]
    [InlineData("[abc]", "b", true)]
    [InlineData("[abc]", "d", false)]
    [InlineData("[abc]", "ab", false)]
    [InlineData("a[b-d]e", "ace", true)]
    [InlineData("a[b-d]e", "aee", false)]
    [InlineData("[a-]", "-", true)]
    [InlineData("[!x]", "x", false)]
    [InlineData("[!x]", "y", true)]
    [InlineData("[!x]", "", false)]
    [InlineData("[]]", "]", true)]
    [InlineData("[]]", "a", false)]
    [InlineData("[!]]", "]", false)]
    [InlineData("[!]]", "a", true)]
    [InlineData("[[]", "[", true)]
    [InlineData("[a[]", "[", true)]
    [InlineData(@"[\]", @"\", true)]
    public void BracketsMatchOneCharacterOfASet(string pattern, string testcase, bool expected)
    {
        Assert.Equal(expected, Glob.ToRegex(pattern).IsMatch(testcase));
    }

    [Theory]
    [InlineData("[^x]", "^", true)]
    [InlineData("[^x]", "x", true)]
    [InlineData("[^x]", "a", false)]
    [InlineData("[!^x]", "^", false)]
    [InlineData("[!^x]", "a", true)]
    public void ACaretInBracketsIsALiteralNotANegation(string pattern, string testcase, bool expected)
    {
        Assert.Equal(expected, Glob.ToRegex(pattern).IsMatch(testcase));
    }

    [Theory]
    [InlineData("[", "[", true)]
    [InlineData("[abc", "[abc", true)]
    [InlineData("[abc", "a", false)]
    [InlineData("x[]", "x[]", true)]
    [InlineData("x[!]", "x[!]", true)]
    public void AnUnmatchedBracketIsALiteral(string pattern, string testcase, bool expected)
    {
        Assert.Equal(expected, Glob.ToRegex(pattern).IsMatch(testcase));
    }

    [Theory]
    [InlineData("a.b", "axb", false)]
    [InlineData("a.b", "a.b", true)]
    [InlineData("a+b", "aab", false)]
    [InlineData("a+b", "a+b", true)]
    [InlineData("(a|b)", "a", false)]
    [InlineData("(a|b)", "(a|b)", true)]
    [InlineData(@"a\b", @"a\b", true)]
    [InlineData("$x^", "$x^", true)]
    public void RegexCharactersOutsideBracketsAreLiterals(string pattern, string testcase, bool expected)
    {
        Assert.Equal(expected, Glob.ToRegex(pattern).IsMatch(testcase));
    }

    [Fact]
    public void APatternMatchesTheWholeTestcaseNotAPrefixOrTheTextBeforeANewline()
    {
        var regex = Glob.ToRegex("dist.rpmdeplint");

        Assert.Matches(regex, "dist.rpmdeplint");
        Assert.DoesNotMatch(regex, "dist.rpmdeplint.extra");
        Assert.DoesNotMatch(regex, "dist.rpmdeplint\n");
    }
}
