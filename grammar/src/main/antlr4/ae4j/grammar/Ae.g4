/*
 * The ae4j language: data sets, autoencoder models with their objectives, and what to do with them.
 * Statements start with a keyword; newlines and ';' between layers are free-form; '#' starts a comment.
 * Name resolution, sizes, argument ranges and the registry of built-in functions live in the checker
 * (dsl module), so new losses, corruptions, data sources and analyses need no grammar change.
 */
grammar Ae;

program
    : statement* EOF
    ;

statement
    : dataDecl
    | modelDecl
    | trainStmt
    | analyzeStmt
    | saveStmt
    | loadStmt
    | exportStmt
    ;

// ---------------------------------------------------------------- data

// data train = idx("train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz") scale 1/255 take 10000
// data moons = two_moons(n: 2000, noise: 0.1)
// data (fit, val) = split(train, 0.9)
// data small = train take 1000
dataDecl
    : DATA name=ident ASSIGN source=dataSource transform*                             # singleData
    | DATA LPAREN names+=ident (COMMA names+=ident)+ RPAREN ASSIGN source=dataSource  # tupleData
    ;

dataSource
    : call                                            # sourceCall
    | ident                                           # sourceRef
    ;

// A transform is a word with an optional argument: scale 1/255, standardize, take 1000, shuffle(seed: 3).
// The bare argument is a number or a product/quotient of numbers; anything else goes in parentheses.
// Transform names are plain names, never keywords, so the next statement's keyword ends the list.
transform
    : name=ID (LPAREN argList? RPAREN | value=numberExpr)?
    ;

numberExpr
    : MINUS? NUMBER ((STAR | SLASH) MINUS? NUMBER)*
    ;

// ---------------------------------------------------------------- models

modelDecl
    : MODEL name=ident LBRACE modelItem* RBRACE
    ;

modelItem
    : INPUT name=ident LBRACK dims+=expr (COMMA dims+=expr)* RBRACK         # inputItem
    | ENCODER name=ident? LBRACE layer* RBRACE                              # encoderItem
    | DECODER name=ident? LBRACE layer* RBRACE                              # decoderItem
    | DECODER name=ident? TIED (LBRACE layer* RBRACE)?                      # tiedDecoderItem
    | CODE name=ident (ASSIGN value=expr)?                                  # codeItem
    | OUTPUT dist=call                                                   # outputItem
    | OUTPUT distName=ident                                              # outputNameItem
    | CORRUPT target=TILDE_ID ASSIGN process=expr                        # corruptItem
    | NOISE BEFORE code=ident ASSIGN process=expr                           # noiseItem
    | FREE CODE code=ident (LBRACE argList? RBRACE)?                        # freeCodeItem
    | MINIMIZE objective=expr                                            # minimizeItem
    ;

// A tied decoder takes no layer list; the grammar accepts one so the checker can say so in words.
// dense 256 relu;   dense 784 sigmoid   (the ';' between layers is optional)
layer
    : kind=ID size=expr (activation=ID)? (LPAREN argList? RPAREN)? SEMI?
    ;

// ---------------------------------------------------------------- statements that act on models

// train dae on train { epochs: 10, batch: 128, optimizer: adam(lr: 1e-3), seed: 7 }
trainStmt
    : TRAIN modelName=ident ON dataName=ident (LBRACE argList? RBRACE)?
    ;

// evaluate dae on test { reconstruction, score_field(grid: 20), jacobian_spectrum }
analyzeStmt
    : verb=(EVALUATE | ANALYZE) modelName=ident ON dataName=ident (LBRACE analysis (COMMA analysis)* COMMA? RBRACE)?
    ;

analysis
    : name=ident (LPAREN argList? RPAREN)?
    ;

saveStmt
    : SAVE modelName=ident TO path=STRING
    ;

loadStmt
    : LOAD modelName=ident FROM path=STRING
    ;

// export dae to "dae.onnx"   (the whole model);   export dae.f to "f.onnx"   (its encoder f alone)
exportStmt
    : EXPORT modelName=ident (DOT part=ident)? TO path=STRING (AS format=ident)?
    ;

// ---------------------------------------------------------------- expressions

argList
    : arg (COMMA arg)* COMMA?
    ;

arg
    : (name=ident COLON)? value=expr
    ;

call
    : fn=ident LPAREN argList? RPAREN
    ;

expr
    : op=MINUS expr                                   # negate
    | left=expr op=(STAR | SLASH) right=expr          # mulDiv
    | left=expr op=(PLUS | MINUS) right=expr          # addSub
    | atom                                            # atomExpr
    ;

atom
    : NUMBER                                          # number
    | STRING                                          # string
    | call                                            # callAtom
    | TILDE_ID                                        # tildeRef
    | ident                                           # ref
    | LPAREN expr RPAREN                              # paren
    ;

// Keywords are reserved only where a keyword can start something: a data set may be called train,
// a code may be called code. Names of transforms, layer kinds and activations are plain names.
ident
    : ID
    | DATA | MODEL | INPUT | ENCODER | DECODER | TIED | CODE | OUTPUT | CORRUPT | NOISE | BEFORE | FREE
    | MINIMIZE | TRAIN | ON | EVALUATE | ANALYZE | SAVE | LOAD | EXPORT | TO | FROM | AS
    ;

// ---------------------------------------------------------------- lexer

DATA      : 'data';
MODEL     : 'model';
INPUT     : 'input';
ENCODER   : 'encoder';
DECODER   : 'decoder';
TIED      : 'tied';
CODE      : 'code';
OUTPUT    : 'output';
CORRUPT   : 'corrupt';
NOISE     : 'noise';
BEFORE    : 'before';
FREE      : 'free';
MINIMIZE  : 'minimize';
TRAIN     : 'train';
ON        : 'on';
EVALUATE  : 'evaluate';
ANALYZE   : 'analyze';
SAVE      : 'save';
LOAD      : 'load';
EXPORT    : 'export';
TO        : 'to';
FROM      : 'from';
AS        : 'as';

LBRACE : '{';
RBRACE : '}';
LPAREN : '(';
RPAREN : ')';
LBRACK : '[';
RBRACK : ']';
COMMA  : ',';
COLON  : ':';
SEMI   : ';';
ASSIGN : '=';
PLUS   : '+';
MINUS  : '-';
STAR   : '*';
SLASH  : '/';
DOT    : '.';

// x~ : the corrupted input, as the book writes x-tilde.
TILDE_ID : ID_START ID_PART* '~';
ID       : ID_START ID_PART*;

NUMBER
    : DIGITS ('.' DIGITS?)? EXPONENT?
    | '.' DIGITS EXPONENT?
    ;

STRING : '"' (~["\\\r\n] | '\\' ["\\nt])* '"';
// A string missing its closing quote: its own token, so the error can say so.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ["\\nt])*;

COMMENT    : '#' ~[\r\n]* -> channel(HIDDEN);
WS         : [ \t\r\n]+ -> channel(HIDDEN);

// Anything else is one bad character; the parser reports it with its position.
ERROR_CHAR : . ;

fragment ID_START : [a-zA-Z_];
fragment ID_PART  : [a-zA-Z_0-9];
fragment DIGITS   : [0-9]+;
fragment EXPONENT : [eE] [+-]? DIGITS;
