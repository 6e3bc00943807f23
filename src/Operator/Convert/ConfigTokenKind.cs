namespace KeepOperator.Operator.Convert;

public enum ConfigTokenKind
{
    Word,
    OpenBrace,
    CloseBrace,
    EndOfLine,
}
