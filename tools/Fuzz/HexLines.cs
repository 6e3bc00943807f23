namespace KeepOperator.Fuzz;

/// <summary>Seed files of hex lines, one input a line, '#' starting a comment line (the golden captures' format).</summary>
public static class HexLines
{
    public static IEnumerable<byte[]> Read(string path) =>
        File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(Convert.FromHexString);
}
