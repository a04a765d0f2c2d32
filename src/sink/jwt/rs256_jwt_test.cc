// The expected token, fingerprint and keys were made with the OpenSSL command-line tool, not
// with this code:
//   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out k8.pem
//   openssl rsa -in k8.pem -traditional -out k1.pem
//   openssl pkcs8 -topk8 -in k8.pem -v2 aes-256-cbc -passout pass:s3cret-pass -out kenc.pem
//   openssl rsa -in k8.pem -pubout -outform DER | openssl dgst -sha256 -binary | base64
//   b64u() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
//   SI="$(printf %s "$HEADER" | b64u).$(printf %s "$CLAIMS" | b64u)"
//   echo "$SI.$(printf %s "$SI" | openssl dgst -sha256 -sign k8.pem -binary | b64u)"
#include "sink/jwt/rs256_jwt.h"

#include <gtest/gtest.h>

#include <string>

#include "base/error.h"

namespace bx::jwt {
namespace {

extern const char kPkcs8[], kPkcs1[], kEncrypted[], kEc[], kRsa1024[];

constexpr char kField[] = "destination.config.private_key";

TEST(Base64Url, EncodesWithoutPaddingInTheUrlAlphabet) {
  EXPECT_EQ(Base64Url(""), "");
  EXPECT_EQ(Base64Url("f"), "Zg");
  EXPECT_EQ(Base64Url("fo"), "Zm8");
  EXPECT_EQ(Base64Url("foo"), "Zm9v");
  EXPECT_EQ(Base64Url("foob"), "Zm9vYg");
  EXPECT_EQ(Base64Url("\xfb\xff\xfe"), "-__-");
}

TEST(SignRs256, MatchesTheOpenSslCommandLine) {
  const RsaPrivateKey key = RsaPrivateKey::FromPem(kPkcs8, "", kField);
  const nlohmann::json header = nlohmann::json::parse(R"({"alg":"RS256","typ":"JWT"})");
  const nlohmann::json claims = nlohmann::json::parse(
      R"({"exp":1700003600,"iat":1700000000,"iss":"BX.USER.SHA256:x","sub":"BX.USER"})");
  EXPECT_EQ(
      SignRs256(header, claims, key),
      "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJleHAiOjE3MDAwMDM2MDAsImlhdCI6MTcwMDAwMDAwMCwiaXNzIjoiQlguVVNFUi5TSEEyNTY6eCIsInN1YiI6IkJY"
      "LlVTRVIifQ.Inpbz314xqGfqoTrRjokmCzIGiKG81k2p-"
      "ajbthrxxeuKh7HHGseTqiDPTkxV5KhWlPEzwOxOByVWU8JCGOWT_ZxFex03gLiDFB3rbfRAzt_Sxop70mVIZK_"
      "M7QDKEXOliXl5s7zcClwrDzTNPRm4kaUUN2_-L1jjJHAX8Jfa3RJo1x3_"
      "zPCK6S7wE7xOOs7DThHHkh54fpeZZPkgONZ9ZVKnnI74JUm-i2CE1hqrxxTsh-9bhb5jel3MZ20dK_"
      "ReskHD2IOT8cIP9YLkxp7G5Y6d4aBnPC-9hkr-Tpq83Vyz5TVf-YqRDGq9M-sESD9WDi37kNf-HFxT-XPxVXCYw");
}

TEST(RsaPrivateKey, ReadsPkcs1Pkcs8AndEncryptedPkcs8AsTheSameKey) {
  const std::string expected = "SHA256:EtRZtvWHA+UBi57ITNtF8tEBLLHX8/bUKESQL6AwT7Y=";
  EXPECT_EQ(RsaPrivateKey::FromPem(kPkcs8, "", kField).PublicKeyFingerprint(), expected);
  EXPECT_EQ(RsaPrivateKey::FromPem(kPkcs1, "", kField).PublicKeyFingerprint(), expected);
  EXPECT_EQ(RsaPrivateKey::FromPem(kEncrypted, "s3cret-pass", kField).PublicKeyFingerprint(),
            expected);
  EXPECT_NE(RsaPrivateKey::FromPem(kPkcs8, "", kField).PublicKeyPem().find("BEGIN PUBLIC KEY"),
            std::string::npos);
}

TEST(RsaPrivateKey, TakesAKeyWhoseNewlinesArePastedAsBackslashN) {
  std::string escaped;
  for (const char c : std::string(kPkcs8))
    escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  EXPECT_EQ(RsaPrivateKey::FromPem(escaped, "", kField).PublicKeyFingerprint(),
            "SHA256:EtRZtvWHA+UBi57ITNtF8tEBLLHX8/bUKESQL6AwT7Y=");
}

// Every refusal names the field and says what is wrong, and never repeats the key's bytes.
void ExpectRefused(const std::string& pem, const std::string& passphrase, const std::string& says) {
  try {
    RsaPrivateKey::FromPem(pem, passphrase, kField);
    FAIL() << "accepted a key it should refuse: " << says;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(e.message().find(kField), std::string::npos) << e.message();
    EXPECT_NE(e.message().find(says), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find("MII"), std::string::npos) << e.message();
    if (!passphrase.empty()) {
      EXPECT_EQ(e.message().find(passphrase), std::string::npos);
    }
  }
}

TEST(RsaPrivateKey, RefusesWhatIsNoUsableRsaKeyWithAClearMessage) {
  ExpectRefused("", "", "no '-----BEGIN");
  ExpectRefused("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "", "no '-----BEGIN");
  ExpectRefused(
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\n-----END PRIVATE KEY-----\n", "",
      "could not be read as a PEM private key");
  ExpectRefused(kEncrypted, "", "encrypted private key and no passphrase");
  ExpectRefused(kEncrypted, "wrong-pass", "is the passphrase right?");
  ExpectRefused(kEc, "", "not an RSA key");
  ExpectRefused(kRsa1024, "", "shorter than 2048 bits");
}

const char kPkcs8[] = R"(-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCqsSoicyjxMiD2
j6Yq216f/TPqfRgcX5xkg1TnwOxjH+pQjVGh9sRDwWTV5dZsAPQEgsL0Be7tCyB2
JCVi+vXo8OjH1Ykzevlzx+24OAqhRDF3NwnLHD4H8bp+MXfS1JgqGcYkaatxgZPj
hcr5gVUR+5OgFKFbqhfikZl+9W29pdWOeH4Yp/l9x71RqMIgzCBYsFcTDheGjE4b
jqEEZRmS9A0HbqjTppCIojxhfh/ppVGiIxh2Gj78rHbmRbNnICp8bjCMsRaomqW0
RsTsvf6GADAmJicCNIfT9BCNS/Su8Sxfho2VOtYbH4Nf7tPAYru0JPq6XRkpJeip
wguVL4HDAgMBAAECggEADnR+avhxqStjmz3DBrIZK1dYBC2f0xdNuT1d/VpbKnHT
eArftOWe7VX9Yhfatr7F63Pfaqbt+ukMULTy7ZTvKlDsha/RtKhfY6y0tvsX+1w5
DC1/CNJVdnrEHle2HAag9D/GheLk//HHQmdcLxEC0UkK0W2t1INtDmTiKNxD9OFo
44RXcrnA1sY85vGkPsmqgWbcEMYbQ35q20OWSeLnYsbutag+L9Hch/L8q+TpvP3q
Xg43EbP1+8MWhCf3aQwUMhN9FR+gUaioOlyXTyBbEOlphuhhINYnvZODdeRUXoTo
94XuLNO48giKJaS5EachaSo10/4E+pEcC1IPy+h7oQKBgQDdeCSqAf8i0TgSGi8i
5iGvX6WnEXD5+7DrJj4V4roysr+jnmOGYiIoErOwv5PR9oaXcocJ4Jl1dYhdMWE/
Hkj/MVHMKx3Mg3vRE4jjwFEG7wiSMzWjCW3fI9GWkGJTPNxi7KjGk/IjZh66eSiW
d2dNpH7In6Kj4HOPInF8K2R7uQKBgQDFTkSP9QY3ypX09sf7RvB+TNYJOyvT8Yxn
CDS0NUMm0kKMztiWZtBQwrU6aOwqnxgdW8WEw04QHRgAphwaMxewOMRsGiOwq5RF
3d3/oTuC1Qfs5vN3RvJcIYwOudrbtbw/mpXtQTgyBsMm5edq1yI4FHa7dWtaaVmT
KpimYq0/WwKBgQC8oDlJ+w1ckClbcaW36Z3DConCM56vq2jRvu6eIU9JIukJ6DsI
F8jTrKoS3fh+maOklczh4sORQRt1lDspURgHEfCDHi3xJANu3V537DKW3zvDmY4T
YFKN/KnjvPGhx3JFZx+Qki1nbPC7Dbo9/VCk1neNVDlnriF+RW22vhaFMQKBgQCh
x9huFaIAkys8TjGR9wvw8724mf0I7xGJ1e+pJ9ck+Ni6rkxnnmwHHHAPMcMb+5GB
WSNvBdl3WvO4bHu0e9pbk2Bzp0dGcJnGY/LIzYKHd3flJ0XQsqq9IoC9/mTXLH/r
wyxV+tlCI8tWlMKZF0emphjpApGA88sP4aiDHXwi6wKBgDNE8ghEhpnNEftNGbnR
y9r0o3BUEUhLTl8rfXJbsFt3oXh8PeturKkKV3K+YkCTRQZ/u7YUhbIMBjoxim91
JK7BR+L4SThMWTCcnuCgVsDLm/ZLWVoDPxiQmP4HtOhUMSrpC1y7ystVg7n2IfhH
ZBV9ytxSLlO5tVs74kuw3duq
-----END PRIVATE KEY-----
)";
const char kPkcs1[] = R"(-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEAqrEqInMo8TIg9o+mKtten/0z6n0YHF+cZINU58DsYx/qUI1R
ofbEQ8Fk1eXWbAD0BILC9AXu7QsgdiQlYvr16PDox9WJM3r5c8ftuDgKoUQxdzcJ
yxw+B/G6fjF30tSYKhnGJGmrcYGT44XK+YFVEfuToBShW6oX4pGZfvVtvaXVjnh+
GKf5fce9UajCIMwgWLBXEw4XhoxOG46hBGUZkvQNB26o06aQiKI8YX4f6aVRoiMY
dho+/Kx25kWzZyAqfG4wjLEWqJqltEbE7L3+hgAwJiYnAjSH0/QQjUv0rvEsX4aN
lTrWGx+DX+7TwGK7tCT6ul0ZKSXoqcILlS+BwwIDAQABAoIBAA50fmr4cakrY5s9
wwayGStXWAQtn9MXTbk9Xf1aWypx03gK37Tlnu1V/WIX2ra+xetz32qm7frpDFC0
8u2U7ypQ7IWv0bSoX2OstLb7F/tcOQwtfwjSVXZ6xB5XthwGoPQ/xoXi5P/xx0Jn
XC8RAtFJCtFtrdSDbQ5k4ijcQ/ThaOOEV3K5wNbGPObxpD7JqoFm3BDGG0N+attD
lkni52LG7rWoPi/R3Ify/Kvk6bz96l4ONxGz9fvDFoQn92kMFDITfRUfoFGoqDpc
l08gWxDpaYboYSDWJ72Tg3XkVF6E6PeF7izTuPIIiiWkuRGnIWkqNdP+BPqRHAtS
D8voe6ECgYEA3XgkqgH/ItE4EhovIuYhr1+lpxFw+fuw6yY+FeK6MrK/o55jhmIi
KBKzsL+T0faGl3KHCeCZdXWIXTFhPx5I/zFRzCsdzIN70ROI48BRBu8IkjM1owlt
3yPRlpBiUzzcYuyoxpPyI2YeunkolndnTaR+yJ+io+BzjyJxfCtke7kCgYEAxU5E
j/UGN8qV9PbH+0bwfkzWCTsr0/GMZwg0tDVDJtJCjM7YlmbQUMK1OmjsKp8YHVvF
hMNOEB0YAKYcGjMXsDjEbBojsKuURd3d/6E7gtUH7Obzd0byXCGMDrna27W8P5qV
7UE4MgbDJuXnatciOBR2u3VrWmlZkyqYpmKtP1sCgYEAvKA5SfsNXJApW3Glt+md
wwqJwjOer6to0b7uniFPSSLpCeg7CBfI06yqEt34fpmjpJXM4eLDkUEbdZQ7KVEY
BxHwgx4t8SQDbt1ed+wylt87w5mOE2BSjfyp47zxocdyRWcfkJItZ2zwuw26Pf1Q
pNZ3jVQ5Z64hfkVttr4WhTECgYEAocfYbhWiAJMrPE4xkfcL8PO9uJn9CO8RidXv
qSfXJPjYuq5MZ55sBxxwDzHDG/uRgVkjbwXZd1rzuGx7tHvaW5Ngc6dHRnCZxmPy
yM2Ch3d35SdF0LKqvSKAvf5k1yx/68MsVfrZQiPLVpTCmRdHpqYY6QKRgPPLD+Go
gx18IusCgYAzRPIIRIaZzRH7TRm50cva9KNwVBFIS05fK31yW7Bbd6F4fD3rbqyp
CldyvmJAk0UGf7u2FIWyDAY6MYpvdSSuwUfi+Ek4TFkwnJ7goFbAy5v2S1laAz8Y
kJj+B7ToVDEq6Qtcu8rLVYO59iH4R2QVfcrcUi5TubVbO+JLsN3bqg==
-----END RSA PRIVATE KEY-----
)";
const char kEncrypted[] = R"(-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIFLTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI8DTkyNmIxYYCAggA
MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAEqBBCZEoLjkjVbIqBi9o71mUUZBIIE
0P+oaVsI9TO5MCqe7m52RmTPoNqAW4mqhXrhFl/vHKF6g9tczwxlejwBUbQM0NX9
EM9UC5ITvJFtt7RRtjSr1s3XLCnjUlT6qghy5CxjLWGTF5Osihl8zasZWE0J5Ql/
so3NVlx931MjtsNK9Uu5qu3UqagWQe+Dx6aXqKo1MQFuDXfcaZkBmVKZ+jTcMCO5
ex87DKfF2ZdGGU5nPeJNl/IMoUuPSQLrdkuqNjreVqxJI03fXy+7Py7AWOcdPyr+
mqigVtMDhVUgsbz7ZfOm1QlEuOvs7Q8VOv1ahSsJSGNcz3BUREpii/nFSxKHMZ5q
K4nruigM7V9S7RSMvt/x+ihT/8qhtzywKSSeg80H9PfbM/crs3MZ0tnPZtuA9iQt
eMAhltKc2rFrSRw2IVZsxvVKwu6hmverg/BePCPDXvwW7mLlg/6/w1B5Ck8+ZtDU
4+5t/IFImcevlUduJZSxWAnWmGgZCx0RcdhNXTcZQQY2ACsZ0dU9pZ1Qj+Zo6Lyh
q6xwe50s+/lVdWYdJf7NxUicfliZsAntT7z3UB9isfU9PufZsYXriqI6et5w9pPy
Vzeh5oZIg9wZ3w+oBGZnT+11PBRSTDWrSSWkWLYKGPOmpaeCUjrmsyov1g1Peoiz
eEqeFhYdgDAhs6l1FrbL+DpuaFRzjla6beHBxKDrTcfrrII17Ii7xoNT6okRX8bb
Qw5yS6pb0AN6NKSH8YIB2NBtX2bIcYmPy0aUMZVxvv7j7mgPx4RdaUzLdgJmDLSw
HD1ubnqnrJmmEdAX3tZEzVkD8HHh6ZhB2aJxR0TJvgfRIHNSqT5PvQnPCjPEIMOr
WubfhsuLGoUZ8zk8RacieiEvhn0E354jU7mexa7cSOD47iW5F+ibKgICqw55vW9N
R3do68GTUa084b+Ox53eWbtb5QdubLd9al6s9ST7A8X+RFw/eHKGcXKJE6Kp7fw6
Yg5umkoWmi8fWKWPJqT0lpaHCfomvP79GqwC40G3p9f9u1jY+SWiSFoE7nLZWJxE
xHZJ+OWYjegCKy04LW5LpDBwvDqPujBkWyY7tImrBW9orszbHf98+1KrXvSlvatz
TK9iOxNb+8D3KxAR5FZ0HqirBYbDNjks4E1qU9IiPVyl9Rrho7cEShaNPM3p2vzq
Y96VilgRl6YHY2YC/hR51KEw3R69fRBcYI8icL3oNLoIYHgBI6XNS37g3Os30zCA
5a9MJ/Wf2Kz26ofxf6kQyJ1QVXZJYwrAJtIMUS4L+vDSGHoRLg7IZ8OwugPOBzs/
fEMF7O/ApWJHGlQ8dyRYBHmXmpXYUKtgoWTwHmSHgT69h9eDsIT1TdT1ySapH05L
L+YZJhW6czkJlOTCLJxw5xVqqTwrlXAyB185oy7buuvOS2KM1poaK1iLUvspcuNC
9nimAtNBCJJBE8kxbLowSqteVlhRcT4/lDogeFLD8jBwzGFM7UHk7ZgkhhEhNK2o
tSKssDjI8JTyJuhGQsc7TnnqPfN4nLGhHGr5LkhrHhsnzTTgIRdfB2oHPIg+zpr0
iGJrM/zclUSmTagtVfziKbM86Aa8dzDicBNwo4VxaMN69TDFwPU2+esrsrOH1c3S
ekoZYwV3i4HK5r3G7oDMlh1x1SWAPclssNWW5mQ2SwDz
-----END ENCRYPTED PRIVATE KEY-----
)";
const char kEc[] = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSC1XUNahS86hNRjb
2eJ75kG9LcbkMb0dty+L/iJFn0KhRANCAATmodtkWzi/PdfXr9ALjaiI6HXBv9CC
9FRS+AvfSAdcLazBOj5/NoKBmxt0nTsEbKxJOEj3wzCyCaEczFAVGpT+
-----END PRIVATE KEY-----
)";
const char kRsa1024[] = R"(-----BEGIN PRIVATE KEY-----
MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAMxolGFRBPf/7FsP
7MVM3qBM2YzWCc8a6MJLnoIfbhz0pjYM5Vj1lp/JfERHWZXkizRliZ4rxPqDgaiM
b6zKBD2GeyoAVs2b66NKw832sRgyWFo4i8EVQv90mwXWrWd5u7ZYw9YcQwZIdJwa
nTGjN0g0k7578tn095ydGd2chZUzAgMBAAECgYAVaJ6h0qqCjvtiTjiuMW7fuyzN
410Do/3c266uUjxmK/l8j701pAMymRe6zv5DBLzPsBLJzivDUSKzVIIdxsrKtsqN
dINAqcPt/Y2hwFTFFO+hu/gNfr8YEbZ32sGiojrahbpVg1ElPA4bghI1tlgTbhdk
LqKlB6reDBI889lOgQJBAPdeJybv2I22C4uPblGLOa9CnlS25E4Jia9fp2chwnHL
T0onHRg4d0SZM6WLwncBSmiddxwtlr/LEM6bn4MzIR0CQQDTiqb8lU9GIZx3KaiF
39lgTGKLJkMp0C4hx9eHD57rY7GgoaySabeyk4R/TDiM9vgyMnbjZQ0d57VRw7ll
eI6PAkABEHympD2QToo6LYHSBAFZibXYs3jEBTJ8eLLltLV7e955eTWc1xFcUDRy
r+lETdMeJB9RFbkiViNaYD0NeXjZAkEAlHNdwi1pp1aY/crfN6uiWYDhOrNMOMCe
Txh1+JMOvDOHCKnMeCb2QbxiJA8yNEJwZJGjeuqELPNY/Bs1NK9IowJBAO+oQTVp
1F5h5rFAHf9jaNtEmsvcaHGQ4dbmmupicTxf1wuAJ54wog1phEjqYAb69s8FDA2w
WfWYX3W0IwRfVyw=
-----END PRIVATE KEY-----
)";

}  // namespace
}  // namespace bx::jwt
