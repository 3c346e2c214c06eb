package com.pipelinepulse.testsupport;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An RDS IAM authentication token taken apart and its AWS Signature Version 4 checked independently of the
 * AWS SDK, the way the RDS endpoint checks it: {@code host:port/?Action=connect&DBUser=...&X-Amz-...}.
 */
public record SigV4PresignedToken(String hostAndPort, Map<String, String> parameters, String signature) {

    public static SigV4PresignedToken parse(String token) {
        int start = token.indexOf("/?");
        if (start < 0) {
            throw new IllegalArgumentException("not a presigned URL without scheme");
        }
        Map<String, String> parameters = new TreeMap<>();
        for (String pair : token.substring(start + 2).split("&")) {
            int eq = pair.indexOf('=');
            parameters.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        String signature = parameters.remove("X-Amz-Signature");
        return new SigV4PresignedToken(token.substring(0, start), parameters, signature);
    }

    public String decoded(String parameter) {
        String raw = parameters.get(parameter);
        return raw == null ? null : URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

    /** {@code accessKeyId/yyyyMMdd/region/service/aws4_request} split into its parts. */
    public String[] credentialScope() {
        return decoded("X-Amz-Credential").split("/");
    }

    /** Whether the signature is the one {@code secretAccessKey} makes over this request. */
    public boolean signatureValidFor(String secretAccessKey) {
        String canonicalQuery = parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
        String canonicalRequest = "GET\n/\n" + canonicalQuery + "\nhost:" + hostAndPort + "\n\nhost\n" + sha256Hex("");
        String[] scope = credentialScope();
        String scopeText = scope[1] + "/" + scope[2] + "/" + scope[3] + "/" + scope[4];
        String stringToSign = "AWS4-HMAC-SHA256\n" + decoded("X-Amz-Date") + "\n" + scopeText + "\n"
                + sha256Hex(canonicalRequest);
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), scope[1]);
        key = hmac(key, scope[2]);
        key = hmac(key, scope[3]);
        key = hmac(key, "aws4_request");
        return HexFormat.of().formatHex(hmac(key, stringToSign)).equals(signature);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
