import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Issue 14.3: no JSON is built by hand in scripts/: every JSON document goes through Json.write/pretty (Jackson). */
class JsonLintTest {
    /** A string literal (or text block) that is, or is a piece of, a JSON document. */
    static final Pattern LITERAL = Pattern.compile("\"\"\"(?s:.*?)\"\"\"|\"((?:\\\\.|[^\"\\\\\\n])*)\"");
    static final Pattern JSONISH = Pattern.compile("(?s)^\\s*\\{\\s*(\"|\\}|$).*|^\\s*\\[\\s*(\"|\\{|\\]).*|.*\"\\s*:\\s*[\"{\\[0-9tfn].*|.*\"\\s*:\\s*$|^\\s*,\\s*\".*");

    static List<String> handBuiltJson(String source) {
        List<String> out = new ArrayList<>();
        String code = source.replaceAll("(?m)^\\s*//.*$", "");
        Matcher m = LITERAL.matcher(code);
        while (m.find()) {
            String lit = m.group().startsWith("\"\"\"") ? m.group().substring(3, m.group().length() - 3) : m.group(1).replace("\\\"", "\"");
            if (JSONISH.matcher(lit).matches()) out.add(m.group());
        }
        return out;
    }

    @Test
    void theLintCatchesHandBuiltJson() {
        assertEquals(3, handBuiltJson("String a = \"{\\\"name\\\": \" + n + \"}\"; String b = \"{}\"; String c = \"[{\\\"x\\\":1}]\";").size(),
                "concatenated objects, empty bodies and arrays are caught");
        assertEquals(List.of(), handBuiltJson("Console.info(\"[dry-run] $ \" + cmd); q(\"{{.Version}}\"); s.replace(\"{image}\", ref); x = \"\\\"ok\\\"\";"),
                "plan lines, Go templates, placeholders and quoted words are not JSON");
    }

    @Test
    void noScriptBuildsJsonByHand() throws Exception {
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Toolkit.REPO.resolve("scripts"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).sorted().toList())
                for (String lit : handBuiltJson(Files.readString(f))) found.add(Toolkit.REPO.relativize(f) + ": " + lit);
        }
        assertEquals(List.of(), found, "build JSON with Json.write(Map.of(...)) instead");
    }
}
