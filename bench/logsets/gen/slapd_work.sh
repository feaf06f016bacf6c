#!/bin/bash
# Workload for slapd (fresh3): binds (good, wrong, anonymous), adds, searches, modifies,
# renames, deletes, errors (no such object, already exists, schema violations, size limit).
H=ldap://127.0.0.1:3899
D="cn=admin,dc=example,dc=com"
PW=$(cat /tmp/lg/slapd/pw)
A="-x -H $H -D $D -w $PW"
S="-x -H $H"
ldapadd $A >/dev/null 2>&1 <<L
dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups

dn: ou=secret,dc=example,dc=com
objectClass: organizationalUnit
ou: secret
L
for r in $(seq 1 ${ROUNDS:-20}); do
  u=user$r
  ldapadd $A >/dev/null 2>&1 <<L
dn: uid=$u,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: $u
cn: User $r
sn: Number$r
mail: $u@example.com
userPassword: $PW
L
  ldapsearch $S -b dc=example,dc=com "(uid=$u)" cn mail >/dev/null 2>&1
  ldapsearch $S -b ou=people,dc=example,dc=com -s one "(objectClass=inetOrgPerson)" uid >/dev/null 2>&1
  ldapsearch $S -b "uid=$u,ou=people,dc=example,dc=com" -s base >/dev/null 2>&1
  ldapsearch -x -H $H -D "uid=$u,ou=people,dc=example,dc=com" -w $PW -b dc=example,dc=com "(mail=*$r*)" >/dev/null 2>&1
  ldapsearch -x -H $H -D "uid=$u,ou=people,dc=example,dc=com" -w wrong$r -b dc=example,dc=com >/dev/null 2>&1
  ldapsearch -x -H $H -D "uid=nobody$r,ou=people,dc=example,dc=com" -w x -b dc=example,dc=com >/dev/null 2>&1
  ldapsearch $S -b "ou=missing,dc=example,dc=com" "(cn=*)" >/dev/null 2>&1
  ldapsearch $S -b "dc=example,dc=com" "(|(cn=User*)(sn=Number$r))" cn >/dev/null 2>&1
  ldapsearch $S -b "" -s base "(objectClass=*)" namingContexts >/dev/null 2>&1
  ldapwhoami -x -H $H -D "uid=$u,ou=people,dc=example,dc=com" -w $PW >/dev/null 2>&1
  ldapmodify $A >/dev/null 2>&1 <<L
dn: uid=$u,ou=people,dc=example,dc=com
changetype: modify
replace: mail
mail: $u.new@example.com
-
add: telephoneNumber
telephoneNumber: +1 555 01$r
L
  if [ $((r % 2)) = 0 ]; then
    ldapadd $A >/dev/null 2>&1 <<L
dn: uid=$u,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: $u
cn: Dup
sn: Dup
L
    ldapadd $A >/dev/null 2>&1 <<L
dn: cn=bad$r,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: bad$r
L
    ldapmodify $A >/dev/null 2>&1 <<L
dn: uid=$u,ou=people,dc=example,dc=com
changetype: modify
add: noSuchAttribute
noSuchAttribute: x
L
  fi
  if [ $((r % 3)) = 0 ]; then
    ldapmodrdn $A "uid=$u,ou=people,dc=example,dc=com" "uid=$u-moved" >/dev/null 2>&1
    ldapdelete $A "uid=$u-moved,ou=people,dc=example,dc=com" >/dev/null 2>&1
    ldapdelete $A "uid=ghost$r,ou=people,dc=example,dc=com" >/dev/null 2>&1
    ldapdelete $A "ou=people,dc=example,dc=com" >/dev/null 2>&1
  fi
  if [ $((r % 4)) = 1 ]; then
    ldapsearch $S -b dc=example,dc=com "(objectClass=*)" >/dev/null 2>&1
    ldapsearch $S -b ou=secret,dc=example,dc=com >/dev/null 2>&1
    ldapcompare $A "uid=$u,ou=people,dc=example,dc=com" "sn:Number$r" >/dev/null 2>&1
    ldapcompare $A "uid=$u,ou=people,dc=example,dc=com" "sn:Other" >/dev/null 2>&1
    ldapsearch -x -H $H -b dc=example,dc=com -Z "(uid=$u)" >/dev/null 2>&1
    ldappasswd $A -s "$PW" "uid=$u,ou=people,dc=example,dc=com" >/dev/null 2>&1
  fi
  if [ $((r % 5)) = 2 ]; then
    printf 'garbage\r\n' | timeout 2 nc -q1 127.0.0.1 3899 >/dev/null 2>&1
    ldapsearch $S -b dc=example,dc=com "(badfilter" >/dev/null 2>&1
    ldapsearch $S -b "dc=other,dc=org" "(cn=*)" >/dev/null 2>&1
  fi
done
